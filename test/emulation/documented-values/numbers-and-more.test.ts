/**
 * Math, conversion, conditional, JSON text and hash functions: the values their pages print
 * (docs.aws.amazon.com/redshift/latest/dg/<page>.html), on the TICKIT rows those pages show.
 * Differences found and emulated: LOG/EXP/SQRT/POWER of a DECIMAL were NUMERIC (sqrt(round(16.4))
 * printed 4.000000000000000), DLOG1/DLOG10/DEXP did not exist (compat-math.ts); TO_CHAR printed no
 * currency symbol for L and no zone for TZ of a TIMESTAMP (compat-datetime.ts); FNV_HASH was refused
 * and SHA1/FUNC_SHA1 were refused (compat-hash.ts).
 */
import { createHash } from 'node:crypto';
import { describeDocumentedValues, type Case, type Refusal } from './documented-cases';

/** SHA1 prints no value on its page: the algorithm it names (FIPS 180-4), as Node's crypto computes it. */
const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');

const SETUP = `
create table sales(salesid integer, pricepaid decimal(8,2), commission decimal(8,2));
insert into sales values (1, 728.00, 109.20), (2, 76.00, 11.40), (3, 350.00, 52.50), (4, 175.00, 26.25),
  (100, 162.00, 24.30), (784, 740.00, 111.15), (10000, 187.00, 28.05);
create table category(catid smallint, catname varchar(10));
insert into category values (1, 'MLB'), (2, 'NHL'), (3, 'NFL'), (4, 'NBA'), (5, 'MLS'), (6, 'Musicals'), (7, 'Plays'),
  (8, 'Opera'), (9, 'Pop'), (10, 'Jazz'), (11, 'Classical');
create table venue(venuename varchar(100), venuestate char(2), venueseats integer);
insert into venue values ('Coors Field', 'CO', 76125), ('Ballys Hotel', 'NV', null), ('Bellagio Hotel', 'NV', null);
create table datetable(start_date date, end_date date);
insert into datetable values ('2008-06-01','2008-12-31'), (null,'2008-12-31'), ('2008-12-31',null);
create table booking_info(booking_id int, booking_code character(8), check_in date, check_out date, funds_collected numeric(12,2));
insert into booking_info values (1, 'OCEAN_WV', '2023-02-01','2023-02-03',100.00), (2, 'OCEAN_WV', '2023-04-22','2023-04-26',120.00),
  (3, 'DSRT_SUN', '2023-03-13','2023-03-16',125.00), (4, 'DSRT_SUN', '2023-06-01','2023-06-03',140.00),
  (5, 'DSRT_SUN', '2023-07-10',null,null), (6, 'OCEAN_WV', '2023-08-15',null,null);
create table users(userid integer, firstname varchar(30), lastname varchar(30));
insert into users values (1, 'Rafael', 'Taylor'), (2, 'Vladimir', 'Humphrey'), (3, 'Lars', 'Ratliff'), (4, 'Barry', 'Roy'),
  (5, 'Reagan', 'Hodge'), (6, 'Victor', 'Hernandez'), (7, 'Tamekah', 'Juarez'), (8, 'Colton', 'Roy'), (9, 'Mufutau', 'Watkins');
create table nulliftest(c1 char(2), c2 char(2));
insert into nulliftest values ('a','a '), ('b','b');
create table test_json(id int, json_strings varchar);
insert into test_json values (0, '{"a":2}'), (2, '{"a":{"b":{"c":1}}}'), (4, '{"a": [1,2,"b"]}'), (6, '{{}}'), (8, '{1:"a"}'), (10, '[1,2,3]');
create table test_json_arrays(id int, json_arrays varchar);
insert into test_json_arrays values (0, '[]'), (1, '["a","b"]'), (2, '["a",["b",1,["c",2,3,null]]]'), (3, '{"a":1}'), (4, 'a'), (5, '[1,2,]');
create table event(eventid integer, starttime timestamp);
insert into event values (1, '2008-01-25 14:30:00'), (2, '2008-01-25 20:00:00')`;

// The TICKIT total of tickets sold in 2008 behind r_DEXP, r_EXP and r_POWER's forecasts:
// 345349 = 695447.483772222 / e^0.7, and the same total gives r_POWER's two values.
const SOLD_2008 = 345349;

const CASES: Case[] = [
  // Logarithms, exponentials, powers and roots: DOUBLE PRECISION
  ['r_LOG', 'select log(100) as v', '2'],
  ['r_DLOG10', 'select dlog10(100) as v', '2'],
  ['r_LN', 'select ln(2.718281828) as v', '0.9999999998311267'],
  ['r_DEXP', `select round((${SOLD_2008} * dexp((7::float/100)*10))::numeric, 9) as v`, '695447.483772222'],
  ['r_EXP', `select round((${SOLD_2008} * exp((7::float/100)*10))::numeric, 9) as v`, '695447.483772222'],
  ['r_POWER', `select round((${SOLD_2008} * pow((1+7::float/100),10))::numeric, 9) as v`, '679353.754088594'],
  ['r_POWER', `select round((${SOLD_2008} * pow((1+7::float/100/12),120))::numeric, 8) as v`, '694034.54678046'],
  [
    'r_CBRT (15 significant digits, as printed)',
    'select round(cbrt(commission)::numeric, 14) as v from sales where salesid=10000',
    '3.03839539048843',
  ],
  ['r_SQRT', 'select sqrt(16) as v', '4'],
  ['r_SQRT (implicit conversion)', "select sqrt('16') as v", '4'],
  ['r_SQRT (a DECIMAL argument: DOUBLE PRECISION)', 'select sqrt(round(16.4)) as v', '4'],
  [
    'r_SQRT (15 significant digits, as printed)',
    'select round(sqrt(commission)::numeric, 15 - length(floor(sqrt(commission))::text))::float8 as v from sales where salesid < 10 order by salesid',
    ['10.4498803820905', '3.37638860322683', '7.24568837309472', '5.1234753829798'],
  ],
  ['r_SQRT', 'select round(sqrt(commission)) as v from sales where salesid < 10 order by salesid', ['10', '3', '7', '5']],
  ['r_ABS', 'select abs (-38) as v', '38'],
  ['r_ABS', 'select abs (14-76) as v', '62'],
  // ROUND, TRUNC, CEILING, FLOOR, SIGN of the DECIMAL commission
  ['r_ROUND', 'select round(commission) as v from sales where salesid=10000', '28'],
  ['r_ROUND', 'select round(commission, 1) as v from sales where salesid=10000', '28.1'],
  ['r_ROUND', 'select round(commission, -1) as v from sales where salesid=10000', '30'],
  ['r_TRUNC', 'select trunc(commission) as v from sales where salesid=784', '111'],
  ['r_TRUNC', 'select trunc(commission,1) as v from sales where salesid=784', '111.1'],
  ['r_TRUNC', 'select trunc(commission,-1) as v from sales where salesid=784', '110'],
  ['r_CEILING_FLOOR', 'select ceiling(commission) as v from sales where salesid=10000', '29'],
  ['r_FLOOR', 'select floor(commission) as v from sales where salesid=10000', '28'],
  ['r_SIGN', 'select sign (commission) as v from sales where salesid=10000', '1'],
  // MOD and %
  ['r_MOD', 'SELECT MOD(10, 4) as v', '2'],
  ['r_MOD', 'SELECT MOD(10.5, 4) as v', '2.5'],
  ['r_MOD', 'SELECT MOD(CAST(16.4 as integer), 5) as v', '1'],
  ['r_MOD', 'SELECT mod(5,2) = 0 as v', 'false'],
  ['r_MOD', 'SELECT 11 % 4 as v', '3'],
  ['r_MOD', 'select catid as v from category where mod(catid,2)=1 order by 1', ['1', '3', '5', '7', '9', '11']],
  // CAST and TO_NUMBER
  ['r_CAST_function', 'select cast(pricepaid as integer) as v from sales where salesid=100', '162'],
  ['r_CAST_function', 'select pricepaid::integer as v from sales where salesid=100', '162'],
  ['r_CAST_function', 'select cast(162.00 as integer) as v', '162'],
  ['r_CAST_function', "select cast('2008-02-18 02:36:48' as date)::text as v", '2008-02-18'],
  ['r_CAST_function', 'select cast(2008 as char(4)) as v', '2008'],
  ['r_CAST_function', 'select cast(109.652 as decimal(4,1)) as v', '109.7'],
  [
    'r_CAST_function',
    'select pricepaid::decimal(38,2)*100000000000000000000 as v from sales where salesid<=2 order by salesid',
    ['72800000000000000000000.00', '7600000000000000000000.00'],
  ],
  ['r_TO_NUMBER', "select to_number('12,454.8-', '99G999D9S') as v", '-12454.8'],
  ['r_TO_NUMBER', "select to_number('$ 12,454.88', 'L 99G999D99') as v", '12454.88'],
  // TO_CHAR
  ['r_TO_CHAR', "select to_char(timestamp '2009-12-31 23:15:59', 'MONTH-DY-DD-YYYY HH12:MIPM') as v", 'DECEMBER -THU-31-2009 11:15PM'],
  ['r_TO_CHAR', "select to_char(starttime, 'HH12:MI:SS') as v from event order by eventid", ['02:30:00', '08:00:00']],
  ['r_TO_CHAR', "select to_char(starttime, 'MON-DD-YYYY HH12:MIPM') as v from event where eventid=1", 'JAN-25-2008 02:30PM'],
  ['r_TO_CHAR', "select to_char(timestamp '2009-12-31 23:15:59','HH24:MI:SS') as v", '23:15:59'],
  ['r_TO_CHAR', "select to_char(-125.8, '999D99S') as v", '125.80-'],
  ['r_TO_CHAR', "select to_char(-125.88, '$S999D99') as v", '$-125.88'],
  ['r_TO_CHAR', "select to_char(-125.88, '$999D99PR') as v", '$<125.88>'],
  // The page's table cannot show the blanks RN pads its result with.
  ['r_TO_CHAR (RN)', "select btrim(to_char(125, 'RN')) as v", 'CXXV'],
  [
    'r_TO_CHAR (rn)',
    "select btrim(to_char(pricepaid - commission, 'rn')) as v from sales where salesid <= 4 order by salesid",
    ['dcxix', 'lxv', 'ccxcviii', 'cxlix'],
  ],
  [
    'r_TO_CHAR (L: the dollar sign)',
    "select to_char(pricepaid - commission, 'l99999D99') as v from sales where salesid <= 2 order by salesid",
    ['$   618.80', '$    64.60'],
  ],
  ['r_TO_CHAR (cc)', "select to_char(starttime, 'cc') as v from event where eventid = 1", '21'],
  [
    'r_TO_CHAR (TZ of a TIMESTAMP: UTC)',
    "select to_char(starttime, 'HH12:MI:SS TZ') as v from event order by eventid",
    ['02:30:00 UTC', '08:00:00 UTC'],
  ],
  // NVL / COALESCE, GREATEST, NULLIF, DECODE
  ['r_NVL_function', 'SELECT COALESCE(NULL, 12, NULL) as v', '12'],
  ['r_NVL_function', "SELECT COALESCE(NULL, 'Amazon Redshift', NULL) as v", 'Amazon Redshift'],
  ['r_NVL_function', 'select nvl(start_date, end_date)::text as v from datetable order by 1', ['2008-06-01', '2008-12-31', '2008-12-31']],
  [
    'r_NVL_function',
    'select coalesce(check_out, check_in)::text as v from booking_info order by check_out',
    ['2023-02-03', '2023-03-16', '2023-04-26', '2023-06-03', '2023-07-10', '2023-08-15'],
  ],
  [
    'r_GREATEST_LEAST',
    'select greatest(firstname,lastname) as v from users where userid < 10 order by 1',
    ['Ratliff', 'Reagan', 'Roy', 'Roy', 'Tamekah', 'Taylor', 'Victor', 'Vladimir', 'Watkins'],
  ],
  ['r_NULLIF_function', "select nullif('', '') as v", null],
  ['r_NULLIF_function (trailing blanks ignored)', 'select nullif(c1,c2) as v from nulliftest order by c1', [null, null]],
  [
    'r_DECODE_expression',
    "select decode(catname, 'NHL', 'National Hockey League', 'MLB', 'Major League Baseball', 'MLS', 'Major League Soccer', 'NFL', 'National Football League', 'NBA', 'National Basketball Association', 'Unknown') as v from category where catid <= 6 order by catid",
    [
      'Major League Baseball',
      'National Hockey League',
      'National Football League',
      'National Basketball Association',
      'Major League Soccer',
      'Unknown',
    ],
  ],
  [
    'r_DECODE_expression (NULL matches NULL)',
    'select decode(venueseats,null,0,1) as v from venue order by venuestate, venuename',
    ['1', '0', '0'],
  ],
  // JSON text functions
  [
    'JSON_EXTRACT_PATH_TEXT',
    `select json_extract_path_text('{"farm": {"barn": {"color": "red", "feed stocked": true}}}', 'farm', 'barn', 'color') as v`,
    'red',
  ],
  [
    'JSON_EXTRACT_PATH_TEXT (a missing element: NULL)',
    `select json_extract_path_text('{"farm": {"barn": {}}}', 'farm', 'barn', 'color') as v`,
    null,
  ],
  [
    'JSON_EXTRACT_PATH_TEXT',
    `select json_extract_path_text('{"house": {"appliances": {"washing machine": {"brand": "Any Brand", "color": "beige"}}}}', 'house', 'appliances', 'washing machine', 'brand') as v`,
    'Any Brand',
  ],
  [
    'IS_VALID_JSON',
    'select is_valid_json(json_strings) as v from test_json order by id',
    ['true', 'true', 'true', 'false', 'false', 'false'],
  ],
  [
    'IS_VALID_JSON_ARRAY',
    'select is_valid_json_array(json_arrays) as v from test_json_arrays order by id',
    ['true', 'true', 'true', 'false', 'false', 'false'],
  ],
  // FNV_HASH: 64-bit FNV-1a over the value's bytes
  ['r_FNV_HASH', 'select fnv_hash(1) as v', '-5968735742475085980'],
  ['r_FNV_HASH', "select fnv_hash('Amazon Redshift') as v", '7783490368944507294'],
  ['r_FNV_HASH (seeded)', "select fnv_hash('Amazon Redshift', fnv_hash(1)) as v", '-2202602717770968555'],
  ['r_FNV_HASH', "select fnv_hash('abcd') as v", '-281581062704388899'],
  ['r_FNV_HASH (seeded: the hash of the concatenation)', "select fnv_hash('cd', fnv_hash('ab')) as v", '-281581062704388899'],
  ['r_FNV_HASH (SMALLINT: 2 bytes)', 'select fnv_hash(1::smallint) as v', '589727492704079044'],
  ['r_FNV_HASH (BIGINT: 8 bytes)', 'select fnv_hash(1::bigint) as v', '-8517097267634966620'],
  // SHA1 and its synonyms FUNC_SHA1 and SHA: 40 hexadecimal digits; one block, none, two blocks, UTF-8.
  ['SHA1', "select sha1('Amazon Redshift') as v", sha1('Amazon Redshift')],
  ['FUNC_SHA1', "select func_sha1('') as v", sha1('')],
  ['SHA1 (SHA, two 64-byte blocks)', "select sha(repeat('x', 100)) as v", sha1('x'.repeat(100))],
  ['SHA1 (UTF-8)', "select sha1('français') as v", sha1('français')],
  ['SHA1 (a number: its text)', 'select sha1(2008) as v', sha1('2008')],
];

const REFUSALS: Refusal[] = [
  [
    'r_NVL_function (a string among numbers)',
    "SELECT COALESCE(NULL, 'Amazon Redshift', 12) as v",
    /invalid input syntax for (type )?integer/,
  ],
  // The bytes hashed for a DECIMAL are not documented.
  ['r_FNV_HASH', 'select fnv_hash(1.5) as v', /FNV_HASH of a NUMERIC value cannot be computed locally/],
];

describeDocumentedValues('math, conversion, conditional, JSON and hash functions', {
  setup: SETUP,
  cases: CASES,
  refusals: REFUSALS,
  atLeast: 100,
});
