/**
 * String functions: the values their pages print (docs.aws.amazon.com/redshift/latest/dg/<page>.html),
 * on the TICKIT rows those pages show. Differences found and emulated (compat-strings.ts): REGEXP_REPLACE
 * replaced the first match only and refused the 2- and 5-argument forms, REGEXP_SUBSTR returned NULL
 * for no match and ignored 'e', BPCHARCMP returned -2 and 14, SOUNDEX/DIFFERENCE did not exist,
 * SPLIT_PART/LTRIM/REGEXP_* refused a TIMESTAMP argument, SPLIT_PART counted a negative position
 * from the end.
 */
import { describeDocumentedValues, type Case, type Refusal } from './documented-cases';

const EMAILS = `('Etiam.laoreet.libero@sodalesMaurisblandit.edu', 1), ('Suspendisse.tristique@nonnisiAenean.edu', 2),
  ('amet.faucibus.ut@condimentumegetvolutpat.ca', 3), ('sed@lacusUtnec.ca', 4)`;

const SETUP = `
create table listing(listid integer, listtime timestamp);
insert into listing values (1, '2008-01-24 06:43:29'), (2, '2008-03-05 12:25:29'), (3, '2008-11-01 07:35:33'),
  (4, '2008-05-24 01:18:37'), (5, '2008-05-17 02:29:11'), (6, '2008-08-15 02:08:13');
create table users(email varchar(100), userid integer);
insert into users values ${EMAILS};
create table venue(venueid integer, venuename varchar(100));
insert into venue values (1, 'Toyota Park'), (2, 'Columbus Crew Stadium'), (4, 'CommunityAmerica Ballpark'),
  (8, 'The Home Depot Center'), (9, 'Dick''s Sporting Goods Park'), (10, 'Pizza Hut Park'), (102, 'Comerica Park'),
  (109, 'Citizens Bank Park'), (121, 'ATT Park'), (60, 'Izod Center'), (61, 'Wachovia Center'), (62, 'Air Canada Centre');
create table category(catid smallint, catname varchar(10), catdesc varchar(50));
insert into category values (1, 'MLB', 'Major League Baseball'), (6, 'Musicals', 'Musical theatre'),
  (7, 'Plays', 'All non-musical theatre'), (8, 'Opera', 'All opera and light opera'), (10, 'Jazz', 'All jazz singers and bands'),
  (11, 'Classical', 'All symphony, concerto, and choir concerts');
create table event(eventid integer, eventname varchar(200));
insert into event values (1000, 'Gypsy'), (1001, 'Chicago'), (1002, 'The King and I'), (1003, 'Pal Joey'), (1004, 'Grease'),
  (1, 'Gotterdammerung'), (2, 'Boris Godunov'), (3, 'Salome'), (4, 'La Cenerentola (Cinderella)'), (5, 'Il Trovatore');
create table names(userid integer, firstname char(30), lastname char(30));
insert into names values (1, 'Rafael', 'Taylor'), (2, 'Vladimir', 'Humphrey'), (3, 'Lars', 'Ratliff'), (5, 'Reagan', 'Hodge'), (62, 'Chase', 'Chase')`;

const PCRE = "'(?=[^ ]*[a-z])(?=[^ ]*[0-9])[^ ]+'";

const CASES: Case[] = [
  // SPLIT_PART
  ['SPLIT_PART', "select split_part('abc$def$ghi','$',2) as v", 'def'],
  ['SPLIT_PART (part 4 not found: empty)', "select split_part('abc$def$ghi','$',4) as v", ''],
  ['SPLIT_PART (delimiter not found: the whole string)', "select split_part('abc$def$ghi','#',1) as v", 'abc$def$ghi'],
  [
    'SPLIT_PART (LISTTIME, a TIMESTAMP)',
    "select split_part(listtime,'-',1) || '|' || split_part(listtime,'-',2) || '|' || split_part(split_part(listtime,'-',3),' ',1) as v from listing where listid in (2, 3) order by listid",
    ['2008|03|05', '2008|11|01'],
  ],
  // REGEXP_COUNT, REGEXP_INSTR, REGEXP_REPLACE, REGEXP_SUBSTR on the USERS emails and VENUE names
  ['REGEXP_COUNT', "SELECT regexp_count(email,'@[^.]*\\\\.(org|edu)') as v FROM users ORDER BY userid", ['1', '1', '0', '0']],
  ['REGEXP_COUNT', "SELECT regexp_count('the fox', 'FOX', 1, 'i') as v", '1'],
  ['REGEXP_COUNT', `SELECT regexp_count('passwd7 plain A1234 a1234', ${PCRE}, 1, 'p') as v`, '2'],
  ['REGEXP_COUNT', `SELECT regexp_count('passwd7 plain A1234 a1234', ${PCRE}, 1, 'ip') as v`, '3'],
  ['REGEXP_INSTR', "SELECT regexp_instr(email, '@[^.]*') as v FROM users ORDER BY userid", ['21', '22', '17', '4']],
  [
    'REGEXP_INSTR',
    "SELECT regexp_instr(venuename,'[cC]ent(er|re)$') as v FROM venue WHERE regexp_instr(venuename,'[cC]ent(er|re)$') > 0 ORDER BY venueid",
    ['16', '6', '10', '12'],
  ],
  ['REGEXP_INSTR', "SELECT regexp_instr('the fox', 'FOX', 1, 1, 0, 'i') as v", '5'],
  ['REGEXP_INSTR', `SELECT regexp_instr('passwd7 plain A1234 a1234', ${PCRE}, 1, 2, 0, 'p') as v`, '21'],
  ['REGEXP_INSTR', `SELECT regexp_instr('passwd7 plain A1234 a1234', ${PCRE}, 1, 2, 0, 'ip') as v`, '15'],
  [
    'REGEXP_REPLACE (no replacement: deleted)',
    "SELECT regexp_replace(email, '@.*\\\\.(org|gov|com|edu|ca)$') as v FROM users ORDER BY userid",
    ['Etiam.laoreet.libero', 'Suspendisse.tristique', 'amet.faucibus.ut', 'sed'],
  ],
  [
    'REGEXP_REPLACE',
    "SELECT regexp_replace(email, '@.*\\\\.[[:alpha:]]{2,3}', '@internal.company.com') as v FROM users where userid in (1, 4) ORDER BY userid",
    ['Etiam.laoreet.libero@internal.company.com', 'sed@internal.company.com'],
  ],
  ['REGEXP_REPLACE', "SELECT regexp_replace('the fox', 'FOX', 'quick brown fox', 1, 'i') as v", 'the quick brown fox'],
  [
    'REGEXP_REPLACE (every occurrence)',
    `SELECT regexp_replace('passwd7 plain A1234 a1234', ${PCRE}, '[hidden]', 1, 'p') as v`,
    '[hidden] plain A1234 [hidden]',
  ],
  [
    'REGEXP_REPLACE (every occurrence)',
    `SELECT regexp_replace('passwd7 plain A1234 a1234', ${PCRE}, '[hidden]', 1, 'ip') as v`,
    '[hidden] plain [hidden] [hidden]',
  ],
  [
    'REGEXP_SUBSTR',
    "SELECT regexp_substr(email,'@[^.]*') as v FROM users ORDER BY userid",
    ['@sodalesMaurisblandit', '@nonnisiAenean', '@condimentumegetvolutpat', '@lacusUtnec'],
  ],
  ['REGEXP_SUBSTR', "SELECT regexp_substr('the fox', 'FOX', 1, 1, 'i') as v", 'fox'],
  ['REGEXP_SUBSTR', "SELECT regexp_substr('THE SECRET CODE IS THE LOWERCASE PART OF 1931abc0EZ.', '[a-z]+', 1, 1, 'c') as v", 'abc'],
  ['REGEXP_SUBSTR', `SELECT regexp_substr('passwd7 plain A1234 a1234', ${PCRE}, 1, 2, 'p') as v`, 'a1234'],
  ['REGEXP_SUBSTR', `SELECT regexp_substr('passwd7 plain A1234 a1234', ${PCRE}, 1, 2, 'ip') as v`, 'A1234'],
  [
    'REGEXP_SUBSTR (e: the first subexpression)',
    "select regexp_substr('This is a cat, this is a dog. This is a mouse.', 'this is a (\\\\w+)', 1, 2, 'ie') as v",
    'dog',
  ],
  // The page's rules: no match is an empty string, so is a position past the end; an occurrence below 1 is NULL.
  ['REGEXP_SUBSTR (no match: empty string)', "select regexp_substr('the fox', 'cat') as v", ''],
  ['REGEXP_SUBSTR (position past the end: empty string)', "select regexp_substr('the fox', 'fox', 20) as v", ''],
  ['REGEXP_SUBSTR (occurrence below 1: NULL)', "select regexp_substr('the fox', 'fox', 1, 0) as v", null],
  ['REGEXP_INSTR (position below 1: from the first character)', "select regexp_instr('the fox', 'the', -3) as v", '1'],
  // LEFT, RIGHT, LPAD, RPAD on EVENT names
  [
    'r_LEFT',
    "select left(eventname,5) || '|' || right(eventname,5) as v from event where eventid between 1000 and 1005 order by eventid",
    ['Gypsy|Gypsy', 'Chica|icago', 'The K|and I', 'Pal J| Joey', 'Greas|rease'],
  ],
  [
    'r_LPAD',
    'select lpad(eventname,20) as v from event where eventid between 1 and 5 order by 1',
    ['              Salome', '        Il Trovatore', '       Boris Godunov', '     Gotterdammerung', 'La Cenerentola (Cind'],
  ],
  [
    'r_LPAD (RPAD)',
    "select rpad(eventname,20,'0123456789') as v from event where eventid between 1 and 5 order by 1",
    ['Boris Godunov0123456', 'Gotterdammerung01234', 'Il Trovatore01234567', 'La Cenerentola (Cind', 'Salome01234567890123'],
  ],
  // INITCAP, QUOTE_IDENT, QUOTE_LITERAL on CATEGORY
  [
    'r_INITCAP',
    'select initcap(catdesc) as v from category where catid in (6, 7, 8, 11) order by catid',
    ['Musical Theatre', 'All Non-Musical Theatre', 'All Opera And Light Opera', 'All Symphony, Concerto, And Choir Concerts'],
  ],
  ['r_INITCAP (MLB becomes Mlb)', 'select initcap(catname) as v from category where catid = 1', 'Mlb'],
  [
    'r_INITCAP (non-alphanumeric characters separate words)',
    "select initcap('urna.Ut@egetdictumplacerat.edu') || ' ' || initcap('sodales@blanditviverraDonec.ca') as v",
    'Urna.Ut@Egetdictumplacerat.Edu Sodales@Blanditviverradonec.Ca',
  ],
  [
    'r_QUOTE_IDENT',
    'select quote_ident(catname) as v from category where catid in (1, 6, 10) order by catid',
    ['"MLB"', '"Musicals"', '"Jazz"'],
  ],
  [
    'r_QUOTE_LITERAL (a SMALLINT column)',
    'select quote_literal(catid) as v from category order by 1',
    ["'1'", "'10'", "'11'", "'6'", "'7'", "'8'"],
  ],
  // SOUNDEX, DIFFERENCE, CHR, ASCII, BPCHARCMP
  ['SOUNDEX', "select soundex('Amazon') as v", 'A525'],
  ['SOUNDEX (several words: one code)', "select soundex('AWS Amazon') as v", 'A252'],
  ['SOUNDEX (no English letter: empty)', "select soundex('+-*/%') as v", ''],
  ['DIFFERENCE', "select difference('AC/DC', 'Ay See Dee See') as v", '4'],
  ['DIFFERENCE (one string without letters: 0)', "select difference('Amazon', '+-*/%') as v", '0'],
  [
    'r_CHR',
    'select eventname as v from event where substring(eventname, 1, 1) = chr(71) order by 1',
    ['Gotterdammerung', 'Grease', 'Gypsy'],
  ],
  ['r_ASCII', "select ascii('amazon') as v", '97'],
  ['r_ASCII', "select ascii('Amazon') as v", '65'],
  ['r_BPCHARCMP (-1, 0 or 1)', 'select bpcharcmp(firstname, lastname) as v from names order by userid', ['-1', '1', '-1', '1', '0']],
  // TRIM, LTRIM, RTRIM with character sets
  ['r_TRIM', `select trim('"' FROM '"dog"') as v`, 'dog'],
  [
    'r_LTRIM (a TIMESTAMP column)',
    "select ltrim(listtime, '2008-') as v from listing order by listid",
    ['1-24 06:43:29', '3-05 12:25:29', '11-01 07:35:33', '5-24 01:18:37', '5-17 02:29:11', '15 02:08:13'],
  ],
  [
    'r_LTRIM (TRIM with characters)',
    "select trim(venuename, 'CDG') as v from venue where venuename like '%Park' and venueid in (121, 109, 102, 9) order by venuename",
    ['ATT Park', 'itizens Bank Park', 'omerica Park', "ick's Sporting Goods Park"],
  ],
  // The page's table cannot show the blank before "Park", which is not in the set and so stays.
  [
    'r_RTRIM',
    "select rtrim(venuename, 'Park') as v from venue where venueid <= 10 order by venueid",
    ['Toyota ', 'Columbus Crew Stadium', 'CommunityAmerica Ballp', 'The Home Depot Cente', "Dick's Sporting Goods ", 'Pizza Hut '],
  ],
  // SUBSTRING (LISTTIME's text; a TIMESTAMP argument is PostgreSQL's "function does not exist")
  ['r_SUBSTRING', 'select substring(listtime::varchar, 6, 2) as v from listing where listid <= 3 order by listid', ['01', '03', '11']],
  [
    'r_SUBSTRING (FROM ... FOR)',
    'select substring(listtime::varchar from 6 for 2) as v from listing where listid <= 3 order by listid',
    ['01', '03', '11'],
  ],
  ['r_SUBSTRING (a cast cuts the string)', "select cast('Fourscore and seven' as varchar(5)) as v", 'Fours'],
  ['r_TEXTLEN', "select textlen('cat') as v", '3'],
];

const REFUSALS: Refusal[] = [
  // SPLIT_PART: "Must be an integer greater than 0"; PostgreSQL answered 'ghi' (counting from the end).
  ['SPLIT_PART', "select split_part('abc$def$ghi','$',-1) as v", /SPLIT_PART: position -1 is not greater than 0/],
  // Parameters other than c, i, e, p would be PostgreSQL flags (g: every match, x: expanded syntax, ...).
  ['REGEXP_REPLACE', "select regexp_replace('a-b', '-', '+', 1, 'g') as v", /REGEXP_REPLACE: parameters 'g'/],
];

describeDocumentedValues('string functions', { setup: SETUP, cases: CASES, refusals: REFUSALS, atLeast: 100 });
