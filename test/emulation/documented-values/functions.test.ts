/**
 * Values AWS documents for Redshift functions and behaviours, reproduced through the emulation on
 * both local engines. Each case names its page (docs.aws.amazon.com/redshift/latest/dg/<page>.html)
 * and runs the page's SQL (column aliases and ::text added so results compare as text); the
 * tables are the pages' own sample tables (WINSALES from c_Window_functions, ADDRESS from
 * r_Examples_with_character_types), created and filled as the pages show.
 */
import { describeDocumentedValues, WINSALES, type Case } from './documented-cases';

const SETUP = `
${WINSALES};
create table address(address_id integer, address1 varchar(100), address2 varchar(50), district varchar(20),
  city_name char(20), state char(2), postal_code char(5));
insert into address(address1) values('9516 Magnolia Boulevard');
insert into address(address1) values('9516 Magnolia Boulevard  ');
create table time_test(time_val time);
insert into time_test values ('20:00:00'), ('00:00:00.5550'), ('00:58:00');
create table listagg_blanks(v varchar(10), k int);
insert into listagg_blanks values ('a', 1), ('', 2), (null, 3), ('b', 4)`;

const CASES: Case[] = [
  // DATEADD and ADD_MONTHS
  ['r_DATEADD_function', "select dateadd(month,18,'2008-02-28')::text as v", '2009-08-28 00:00:00'],
  ['r_DATEADD_function', "select dateadd(m,30,'2008-02-28')::text as v", '2008-02-28 00:30:00'],
  ['r_DATEADD_function', "select dateadd(hour, 8, time '13:24:55')::text as v", '21:24:55'],
  ['r_DATEADD_function', "select dateadd(hour, 12, time '13:24:55')::text as v", '01:24:55'],
  ['r_DATEADD_function', "select dateadd(month,1,'2008-04-30')::text as v", '2008-05-30 00:00:00'],
  ['r_DATEADD_function', "select dateadd(month,12,'2016-02-29')::text as v", '2017-02-28 00:00:00'],
  ['r_DATEADD_function', "select dateadd(year, 1, '2016-02-29')::text as v", '2017-03-01 00:00:00'],
  ['r_ADD_MONTHS', "select add_months('2008-03-31',1)::text as v", '2008-04-30 00:00:00'],
  ['r_ADD_MONTHS', "select add_months('2008-04-30',1)::text as v", '2008-05-31 00:00:00'],
  // DATEDIFF
  ['r_DATEDIFF_function', "select datediff(week,'2009-01-01','2009-12-31') as v", '52'],
  [
    'r_DATEDIFF_function',
    "select datediff(hour, time_val, time '15:24:45') as v from time_test order by time_val desc",
    ['-5', '15', '15'],
  ],
  ['r_DATEDIFF_function', "select datediff(minute, time '20:00:00', time '21:00:00') as v", '60'],
  ['r_DATEDIFF_function', "select datediff(hours, timetz '20:00:00 PST', timetz '00:58:00 EST') as v", '1'],
  // DATE_PART and DATE_TRUNC
  ['r_DATE_PART_function', "SELECT DATE_PART(minute, timestamp '20230104 04:05:06.789') as v", '5'],
  ['r_DATE_PART_function', "SELECT DATE_PART(week, timestamp '20220502 04:05:06.789') as v", '18'],
  ['r_DATE_PART_function', "SELECT DATE_PART(day, timestamp '20220502 04:05:06.789') as v", '2'],
  ['r_DATE_PART_function', "SELECT DATE_PART(dayofweek, timestamp '20220502 04:05:06.789') as v", '1'],
  ['r_DATE_PART_function', "SELECT DATE_PART(century, timestamp '20220502 04:05:06.789') as v", '21'],
  ['r_DATE_PART_function', "SELECT DATE_PART(millennium, timestamp '20220502 04:05:06.789') as v", '3'],
  ['r_DATE_PART_function', "SELECT DATE_PART(microsecond, timestamp '20220502 04:05:06.789') as v", '789000'],
  ['r_DATE_TRUNC', "SELECT DATE_TRUNC('second', TIMESTAMP '20200430 04:05:06.789')::text as v", '2020-04-30 04:05:06'],
  ['r_DATE_TRUNC', "SELECT DATE_TRUNC('hour', TIMESTAMP '20200430 04:05:06.789')::text as v", '2020-04-30 04:00:00'],
  ['r_DATE_TRUNC', "SELECT DATE_TRUNC('quarter', TIMESTAMP '20200430 04:05:06.789')::text as v", '2020-04-01 00:00:00'],
  ['r_DATE_TRUNC', "SELECT DATE_TRUNC('millennium', TIMESTAMP '20200430 04:05:06.789')::text as v", '2001-01-01 00:00:00'],
  ['r_DATE_TRUNC', "select date_trunc('week', TIMESTAMP '20220430 04:05:06.789')::text as v", '2022-04-25 00:00:00'],
  ['r_TRUNC_date', "select trunc(timestamp '2011-07-21 10:32:38.248109')::text as v", '2011-07-21'],
  ['r_MONTHS_BETWEEN_function', "select months_between('1969-01-18', '1969-03-18') as v", '-2'],
  // CONVERT_TIMEZONE
  ['CONVERT_TIMEZONE', "select convert_timezone('PST', timestamp '2008-08-24 09:36:12')::text as v", '2008-08-24 01:36:12'],
  ['CONVERT_TIMEZONE', "select convert_timezone('US/Pacific', timestamp '2008-08-24 09:36:12')::text as v", '2008-08-24 02:36:12'],
  ['CONVERT_TIMEZONE', "select convert_timezone('EST', 'PST', '20080305 12:25:29')::text as v", '2008-03-05 09:25:29'],
  ['CONVERT_TIMEZONE', "select convert_timezone('America/New_York', '2013-02-01 08:00:00')::text as v", '2013-02-01 03:00:00'],
  ['CONVERT_TIMEZONE', "select convert_timezone('America/New_York', '2013-06-01 08:00:00')::text as v", '2013-06-01 04:00:00'],
  // STRTOL, MD5 and string literals with backslashes
  ['r_STRTOL', "SELECT STRTOL('0xf',16) as v", '15'],
  ['r_STRTOL', "SELECT STRTOL('abcd1234',16) as v", '2882343476'],
  ['r_STRTOL', "SELECT STRTOL('1234567', 10) as v", '1234567'],
  ['r_STRTOL', "SELECT STRTOL('1234567', 8) as v", '342391'],
  ['r_STRTOL', "SELECT STRTOL('110101', 2) as v", '53'],
  ['r_STRTOL', "SELECT STRTOL('\\0', 2) as v", '0'],
  ['r_MD5', "select md5('Amazon Redshift') as v", 'f7415e33f972c03abd4f3fed36748f7a'],
  ['r_CREATE_USER', "select md5('\\\\'||'slashpass') as v", '0c983d1a624280812631c5389e60d48c'],
  // Character types, lengths, concatenation
  ['r_Examples_with_character_types', "select count(*) as v from address where address1='9516 Magnolia Boulevard'", '2'],
  ['r_Examples_with_character_types', 'select length(address1) as v from address order by 1', ['23', '25']],
  ['r_OCTET_LENGTH', "select octet_length('français') as v", '9'],
  ['r_LEN', "select len('français') as v", '8'],
  ['r_LEN', "select len('cat') as v", '3'],
  ['r_LEN', "select len('cat   ') as v", '6'],
  ['r_CONCAT', "SELECT CONCAT('December 25, ', '2008') as v", 'December 25, 2008'],
  ['r_CONCAT', "SELECT 'December 25, '||'2008' as v", 'December 25, 2008'],
  [
    'r_NVL2',
    "select (firstname + ' ' + lastname) as v from (select 'Aphrodite' as firstname, 'Acevedo' as lastname) users",
    'Aphrodite Acevedo',
  ],
  ['r_REVERSE', 'select reverse(salesid)::varchar as v from (select 172456 as salesid) sales', '654271'],
  ['r_REPEAT', 'select repeat(catid,3) as v from (select 10 as catid) category', '101010'],
  ['r_TRANSLATE', "select translate('mint tea', 'inea', 'osin') as v", 'most tin'],
  ['r_BTRIM', "select btrim('xyzaxyzbxyzcxyz', 'xyz') as v", 'axyzbxyzc'],
  ['r_POSITION', "select position('fish' in 'dogfish') as v", '4'],
  ['r_STRPOS', "select strpos('dogfish', 'fish') as v", '4'],
  ['r_CHARINDEX', "select charindex('fish', 'dogfish') as v", '4'],
  ['r_TO_CHAR', "select to_char(timestamp '2009-12-31 23:15:59', 'DDD') as v", '365'],
  ['r_TO_CHAR', "select to_char(timestamp '2022-05-16 23:15:59', 'ID') as v", '1'],
  ['REGEXP_COUNT', "SELECT regexp_count('abcdefghijklmnopqrstuvwxyz', '[a-z]{3}') as v", '8'],
  // JSON functions
  ['JSON_EXTRACT_PATH_TEXT', `select json_extract_path_text('{"f2":{"f3":1},"f4":{"f5":99,"f6":"star"}}','f4', 'f6') as v`, 'star'],
  ['JSON_EXTRACT_PATH_TEXT', `select json_extract_path_text('{"f2":{"f3":1},"f4":{"f5":99,"f6":"star"}','f4', 'f6',true) as v`, null],
  ['JSON_ARRAY_LENGTH', `select json_array_length('[11,12,13,{"f1":21,"f2":[25,26]},14]') as v`, '5'],
  ['JSON_ARRAY_LENGTH', `select json_array_length('[11,12,13,{"f1":21,"f2":[25,26]},14',true) as v`, null],
  ['JSON_EXTRACT_ARRAY_ELEMENT_TEXT', "select json_extract_array_element_text('[111,112,113]', 2) as v", '113'],
  ['JSON_EXTRACT_ARRAY_ELEMENT_TEXT', `select json_extract_array_element_text('["a",["b",1,["c",2,3,null,]]]',1,true) as v`, null],
  // Aggregates and window functions on WINSALES
  [
    'r_WF_AVG',
    'select avg(qty) over (order by dateid, salesid rows unbounded preceding) as v from winsales order by dateid, salesid',
    ['10', '10', '16', '22', '20', '20', '18', '18', '18', '18', '19'],
  ],
  ['r_LISTAGG', 'select listagg(sellerid) within group (order by dateid, salesid) as v from winsales', '31141242333'],
  [
    'r_LISTAGG',
    "select listagg(dateid,'|') within group (order by sellerid desc,salesid asc) as v from winsales where buyerid = 'b'",
    '2003-08-02|2004-04-18|2004-04-18|2004-02-12',
  ],
  ['r_LISTAGG (DISTINCT)', "select listagg(distinct sellerid, ', ') within group (order by sellerid) as v from winsales", '1, 2, 3, 4'],
  [
    'r_LISTAGG (NULL values and empty strings are ignored)',
    "select listagg(v, ',') within group (order by k) as v from listagg_blanks",
    'a,b',
  ],
  ['r_WF_LISTAGG', 'select listagg(sellerid) within group (order by sellerid) over() as v from winsales limit 1', '11122333344'],
  [
    'r_WF_LISTAGG',
    "select listagg(sellerid) within group (order by dateid) over () as v from winsales where buyerid = 'b' limit 1",
    '3233',
  ],
  [
    'r_WF_LISTAGG',
    "select listagg(dateid,',') within group (order by sellerid desc,salesid asc) over () as v from winsales where buyerid = 'b' limit 1",
    '2003-08-02,2004-04-18,2004-04-18,2004-02-12',
  ],
  [
    'r_WF_MEDIAN',
    'select median(qty) over (partition by sellerid) as v from winsales order by sellerid, qty',
    ['10.0', '10.0', '10.0', '20.0', '20.0', '17.5', '17.5', '17.5', '17.5', '25.0', '25.0'],
  ],
  ['r_MEDIAN', 'select median(x) as v from (select 1 as x union all select 2 union all select 10) t', '2.0'],
  // RATIO_TO_REPORT: the page's first row (seller 1, qty 30 of WINSALES' 215) and a partition's ratios
  [
    'r_WF_RATIO_TO_REPORT',
    'select v::text as v from (select salesid, ratio_to_report(qty) over () as v from winsales) s where salesid = 10005',
    '0.13953488372093023',
  ],
  [
    'r_WF_RATIO_TO_REPORT',
    'select v::text as v from (select salesid, ratio_to_report(qty) over () as v from winsales) s where salesid = 10001',
    '0.046511627906976744',
  ],
  [
    'r_WF_RATIO_TO_REPORT',
    'select ratio_to_report(qty) over (partition by sellerid) as v from winsales where sellerid = 1 order by salesid',
    ['0.2', '0.6', '0.2'],
  ],
  // CONVERT, REPLICATE, NEXT_DAY, SHA2
  ['r_CONVERT_function', 'select convert(char(4), 2008) as v', '2008'],
  ['r_CONVERT_function', "select convert(integer, '12')::text || '|' || convert(varchar(30), date '2023-02-02') as v", '12|2023-02-02'],
  ['r_REPLICATE', "select replicate('Sports', 3) as v", 'SportsSportsSports'],
  ['r_NEXT_DAY', "select next_day('2014-08-20','Tuesday')::text as v", '2014-08-26'],
  ['r_NEXT_DAY', "select next_day(timestamp '2008-01-01 05:54:44', 'Tue')::text as v", '2008-01-08'],
  ['r_NEXT_DAY (the same weekday: the next one)', "select next_day('2014-08-19','tu')::text as v", '2014-08-26'],
  ['SHA2', "select sha2('Amazon Redshift', 256) as v", '15013dc10bc5b293f1f66ea28d818387f191cafeb26f89639fae0b4acf9c8772'],
  ['SHA2 (0 is 256)', "select sha2('Amazon Redshift', 0) as v", '15013dc10bc5b293f1f66ea28d818387f191cafeb26f89639fae0b4acf9c8772'],
  ['SHA2', "select sha2('Amazon Redshift', 224) as v", '551a54b28d74dca2f1981512e61a5fe094aa172a1ae396dc7abc169c'],
  // SUPER serialization
  ['JSON_SERIALIZE', `SELECT JSON_SERIALIZE(JSON_PARSE('[10001,10002,"abc"]')) as v`, '[10001,10002,"abc"]'],
  ['JSON_SERIALIZE (NULL is the JSON string null)', 'SELECT JSON_SERIALIZE(NULL) as v', 'null'],
  ['JSON_SERIALIZE (nested, compact)', `SELECT JSON_SERIALIZE(JSON_PARSE('{"a" : [1, {"b" : "x y"}]}')) as v`, '{"a":[1,{"b":"x y"}]}'],
  // VARBYTE functions
  ['r_FROM_VARBYTE', "SELECT FROM_VARBYTE('ab', 'hex') as v", '6162'],
  ['r_FROM_VARBYTE', "SELECT FROM_VARBYTE(FROM_HEX('4d'), 'binary') as v", '01001101'],
  ['r_TO_VARBYTE', "SELECT to_hex(TO_VARBYTE('6162', 'hex')) as v", '6162'],
  ['r_TO_VARBYTE', "SELECT to_hex(TO_VARBYTE('01001101', 'binary')) as v", '4d'],
  ['r_TO_VARBYTE', "SELECT to_hex(TO_VARBYTE('a', 'utf8')) as v", '61'],
  ['r_TO_VARBYTE', "SELECT to_hex(TO_VARBYTE('4', 'hex')) as v", '04'],
  ['r_TO_VARBYTE (base64 round trip)', "SELECT from_varbyte(to_varbyte('YWJj', 'base64'), 'utf-8') as v", 'abc'],
  ['r_TO_HEX', 'select to_hex(2147676847) as v', '8002f2af'],
  ['SHA2 (invalid bits: an empty string)', "select sha2('Amazon Redshift', 100) as v", ''],
  // CRC-32C, not PostgreSQL 18's crc32(bytea) (853472317 for this string on the embedded engine).
  ['crc32-function', "SELECT CRC32('Amazon Redshift') as v", 'f2726906'],
  // SUPER (jsonb locally); array results through JSON_SERIALIZE, which prints them as the pages do.
  ['r_json_typeof', 'SELECT JSON_TYPEOF(ARRAY(1,2)) as v', 'array'],
  ['r_json_typeof', 'SELECT JSON_TYPEOF(JSON_PARSE(\'{"name":"Joe"}\')) as v', 'object'],
  ['r_json_size', 'SELECT JSON_SIZE(JSON_PARSE(\'[10001,10002,"⬤"]\')) as v', '19'],
  ['r_array_concat', 'SELECT JSON_SERIALIZE(ARRAY_CONCAT(ARRAY(10001,10002),ARRAY(10003,10004))) as v', '[10001,10002,10003,10004]'],
  ['r_array_concat', "SELECT JSON_SERIALIZE(ARRAY_CONCAT(ARRAY(10001,10002),ARRAY('ab','cd'))) as v", '[10001,10002,"ab","cd"]'],
  [
    'array_flatten',
    'SELECT JSON_SERIALIZE(ARRAY_FLATTEN(ARRAY(ARRAY(1,2,3,4),ARRAY(5,6,7,8),ARRAY(9,10)))) as v',
    '[1,2,3,4,5,6,7,8,9,10]',
  ],
  ['get_array_length', 'SELECT GET_ARRAY_LENGTH(ARRAY(1,2,3,4,5,6,7,8,9,10)) as v', '10'],
  ['r_subarray', "SELECT JSON_SERIALIZE(SUBARRAY(ARRAY('a', 'b', 'c', 'd', 'e', 'f'), 2, 3)) as v", '["c","d","e"]'],
  ['r_object_function', "select json_serialize(object('a', 1, 'b', true, 'c', 3.14)) as v", '{"a":1,"b":true,"c":3.14}'],
  ['r_object_function', 'select json_serialize(object()) as v', '{}'],
  ['CAN_JSON_PARSE', 'SELECT CAN_JSON_PARSE(\'[10001,10002,"abc"]\') as v', 'true'],
  ['CAN_JSON_PARSE', "SELECT CAN_JSON_PARSE('This is a string.') as v", 'false'],
  ['CAN_JSON_PARSE (empty string: false)', "SELECT CAN_JSON_PARSE('') as v", 'false'],
  ['split_to_array', "SELECT JSON_SERIALIZE(SPLIT_TO_ARRAY('12|345|6789', '|')) as v", '["12","345","6789"]'],
  ['r_is_bigint', "SELECT IS_BIGINT(JSON_PARSE('5')) as v", 'true'],
  ['r_is_integer', "SELECT IS_INTEGER(JSON_PARSE('5')) as v", 'true'],
  ['r_is_decimal', "SELECT IS_DECIMAL(JSON_PARSE('1.22')) as v", 'true'],
  ['r_is_scalar', 'SELECT IS_SCALAR(JSON_PARSE(\'"Joe"\')) as v', 'true'],
  ['r_is_char', 'SELECT IS_CHAR(JSON_PARSE(\'"t"\')) as v', 'true'],
  ['r_is_varchar', 'SELECT IS_VARCHAR(JSON_PARSE(\'"abc"\')) as v', 'true'],
  // The pages' rules rather than their examples: null is none of the types (r_is_bigint, r_is_scalar,
  // r_is_decimal: "false ... including null"), scale 0 only (r_is_integer), 32-bit range (r_is_integer).
  [
    'c_Type_Info_Functions (null, scale, range)',
    "SELECT IS_SCALAR(JSON_PARSE('null'))::text || IS_INTEGER(JSON_PARSE('5.0'))::text || IS_INTEGER(JSON_PARSE('2147483648'))::text || IS_BIGINT(JSON_PARSE('2147483648'))::text as v",
    'falsefalsefalsetrue',
  ],
];

describeDocumentedValues('functions checked first', { setup: SETUP, cases: CASES, atLeast: 60 });
