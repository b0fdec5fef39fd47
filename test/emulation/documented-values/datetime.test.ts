/**
 * Date and time functions: the values their pages print (docs.aws.amazon.com/redshift/latest/dg/<page>.html),
 * on the TICKIT rows those pages show (DATE, LISTING; TIME_TEST and TIMETZ_TEST as r_EXTRACT_function
 * creates them). Differences found and emulated: DECADE was PostgreSQL's year / 10 (2000 in decade
 * 200, not 201), DATEADD of a TIMETZ kept its zone instead of answering in UTC, DATE_PART_YEAR did not
 * exist, TO_DATE / TO_TIMESTAMP had no is_strict argument and TO_TIMESTAMP no TIMESTAMP argument,
 * MONTHS_BETWEEN of two TIMESTAMPs did not exist.
 */
import { describeDocumentedValues, type Case, type Refusal } from './documented-cases';

const SETUP = `
create table date(caldate date, month char(5));
insert into date values ('2008-01-01', 'JAN'), ('2008-01-02', 'JAN'), ('2008-01-03', 'JAN'), ('2008-01-04', 'JAN'),
  ('2008-01-05', 'JAN'), ('2008-01-06', 'JAN'), ('2008-11-01', 'NOV'), ('2008-11-02', 'NOV'), ('2008-11-03', 'NOV'), ('2008-12-31', 'DEC');
create table listing(listid integer, listtime timestamp);
insert into listing values (1, '2008-01-24 06:43:29'), (2, '2008-03-05 12:25:29'), (3, '2008-11-01 07:35:33'),
  (4, '2008-05-24 01:18:37'), (5, '2008-05-17 02:29:11'), (6, '2008-08-15 02:08:13'), (7, '2008-11-15 09:38:15'),
  (8, '2008-11-09 05:07:30'), (9, '2008-09-09 08:03:36'), (10, '2008-06-17 09:44:54');
create table time_test(time_val time);
insert into time_test values ('20:00:00'), ('00:00:00.5550'), ('00:58:00');
create table timetz_test(timetz_val timetz);
insert into timetz_test values ('04:00:00+00'), ('00:00:00.5550+00'), ('05:58:00+00');
create table date_table(start_date date, end_date date);
insert into date_table values ('2009-01-01', '2009-03-23'), ('2023-01-04', '2024-05-04');
create table seconds(micro timestamp);
insert into seconds values ('2009-09-21 11:10:03.189717');
create table event(eventid integer, eventname varchar(200), starttime timestamp);
insert into event values (1, 'Wicked', '2008-01-25 14:30:00'), (2, '.38 Special', '2008-01-21 19:30:00'), (3, '.38 Special', '2008-12-25 15:00:00'),
  (4, '3 Doors Down', '2008-01-03 15:00:00'), (5, '3 Doors Down', '2008-12-01 19:30:00'), (6, '70s Soul Jam', '2008-01-16 19:30:00'),
  (7, '70s Soul Jam', '2008-12-07 14:00:00'), (8, 'A Bronx Tale', '2008-01-21 19:00:00'), (9, 'A Bronx Tale', '2008-12-15 15:00:00'),
  (10, 'A Catered Affair', '2008-01-08 19:30:00'), (11, 'A Catered Affair', '2008-12-19 19:00:00')`;

const CASES: Case[] = [
  // DATE_CMP, DATE_CMP_TIMESTAMP, TIMESTAMP_CMP, TIMESTAMP_CMP_DATE
  [
    'r_DATE_CMP',
    "select date_cmp(caldate,'2008-01-04') as v from date where month = 'JAN' order by caldate",
    ['-1', '-1', '-1', '0', '1', '1'],
  ],
  [
    'r_DATE_CMP_TIMESTAMP',
    "select date_cmp_timestamp('2008-06-18', listtime) as v from listing order by listid",
    ['1', '1', '-1', '1', '1', '-1', '-1', '-1', '-1', '1'],
  ],
  [
    'r_TIMESTAMP_CMP_DATE',
    "select timestamp_cmp_date(listtime, '2008-06-18') as v from listing order by listid",
    ['-1', '-1', '1', '-1', '-1', '1', '1', '1', '1', '-1'],
  ],
  ['r_TIMESTAMP_CMP', "select timestamp_cmp(listtime, timestamp '2008-02-18 02:36:48') as v from listing where listid = 1", '-1'],
  [
    'r_TIMESTAMP_CMP (identical: 0)',
    'select timestamp_cmp(listtime, listtime) as v from listing where listid <= 3 order by listid',
    ['0', '0', '0'],
  ],
  // DATE_PART_YEAR, LAST_DAY, TRUNC
  ['r_DATE_PART_YEAR', "SELECT DATE_PART_YEAR(date '20220502 04:05:06.789') as v", '2022'],
  [
    'r_DATE_PART_YEAR',
    "select date_part_year(caldate) as v from date where month = 'JAN' and caldate < '2008-01-04' order by caldate",
    ['2008', '2008', '2008'],
  ],
  ["r_LAST_DAY (a day of January 2014, as the page's SYSDATE)", "select last_day(date '2014-01-15')::text as v", '2014-01-31'],
  ['r_TRUNC_date (a TIMESTAMP column: a date)', 'select trunc(starttime)::text as v from event order by eventid limit 1', '2008-01-25'],
  // MONTHS_BETWEEN of TIMESTAMPs: the time of day counts (the page prints two decimals)
  [
    'r_MONTHS_BETWEEN_function (TIMESTAMPs)',
    "select round(months_between(max(starttime),min(starttime))::numeric, 2)::float8 as v from event where eventname <> 'Wicked' group by eventname order by eventname",
    ['11.12', '10.94', '10.7', '10.8', '11.35'],
  ],
  // DATE_PART and DATE_TRUNC
  ['r_DATE_PART_function (w: weeks)', 'select date_part(w, listtime) as v from listing where listid=10', '25'],
  ['r_DATE_PART_function', "SELECT DATE_PART(month, date '20220502') as v", '5'],
  ['r_DATE_TRUNC', "SELECT DATE_TRUNC('minute', TIMESTAMP '20200430 04:05:06.789')::text as v", '2020-04-30 04:05:00'],
  ['r_DATE_TRUNC', "SELECT DATE_TRUNC('day', TIMESTAMP '20200430 04:05:06.789')::text as v", '2020-04-30 00:00:00'],
  ['r_DATE_TRUNC', "SELECT DATE_TRUNC('month', TIMESTAMP '20200430 04:05:06.789')::text as v", '2020-04-01 00:00:00'],
  ['r_DATE_TRUNC', "SELECT DATE_TRUNC('year', TIMESTAMP '20200430 04:05:06.789')::text as v", '2020-01-01 00:00:00'],
  // EXTRACT and date parts
  ['r_EXTRACT_function', "select extract(minute from timestamp '2009-09-09 12:08:43') as v", '8'],
  ['r_EXTRACT_function', "select extract(ms from timestamp '2009-09-09 12:08:43.101') as v", '101'],
  ['r_EXTRACT_function', "select extract(year from timestamptz '1.12.1997 07:37:16.00 PST') as v", '1997'],
  ['r_EXTRACT_function (TIME)', 'select extract(minute from time_val) as v from time_test order by time_val desc', ['0', '58', '0']],
  ['r_EXTRACT_function (TIME)', 'select extract(hour from time_val) as v from time_test order by time_val desc', ['20', '0', '0']],
  ['r_EXTRACT_function (TIME)', "select extract(ms from time '18:25:33.123456') as v", '123'],
  ['r_EXTRACT_function (TIMETZ)', 'select extract(hour from timetz_val) as v from timetz_test order by timetz_val desc', ['5', '4', '0']],
  ['r_EXTRACT_function (TIMETZ)', "select extract(ms from timetz '18:25:33.123456 EST') as v", '123'],
  ['r_EXTRACT_function (TIMETZ)', "select extract(timezone_hour from timetz '1.12.1997 07:37:16.00 PDT') as v", '-7'],
  ['r_Dateparts_for_datetime_functions (EXTRACT: whole seconds)', 'select extract(sec from micro) as v from seconds', '3'],
  ['r_Dateparts_for_datetime_functions (DATE_PART: with the fraction)', 'select date_part(sec, micro) as v from seconds', '3.189717'],
  ['r_Dateparts_for_datetime_functions (CENTURY)', "select extract (century from timestamp '2000-12-16 12:21:13') as v", '20'],
  ['r_Dateparts_for_datetime_functions (CENTURY)', "select extract (century from timestamp '2001-12-16 12:21:13') as v", '21'],
  ['r_Dateparts_for_datetime_functions (DECADE)', "select extract(decade from timestamp '1999-02-16 20:38:40') as v", '200'],
  ['r_Dateparts_for_datetime_functions (DECADE)', "select extract(decade from timestamp '2000-02-16 20:38:40') as v", '201'],
  ['r_Dateparts_for_datetime_functions (DECADE)', "select extract(decade from timestamp '2010-02-16 20:38:40') as v", '202'],
  ['r_Dateparts_for_datetime_functions (MIL)', "select extract (mil from timestamp '2000-12-16 12:21:13') as v", '2'],
  ['r_Dateparts_for_datetime_functions (MIL)', "select extract (mil from timestamp '2001-12-16 12:21:13') as v", '3'],
  // DATEADD and DATEDIFF
  [
    'r_DATEADD_function',
    "select dateadd(day,30,caldate)::text as v from date where month='NOV' order by caldate",
    ['2008-12-01 00:00:00', '2008-12-02 00:00:00', '2008-12-03 00:00:00'],
  ],
  [
    'r_DATEADD_function (TIME)',
    "select dateadd(minute,5,time_val)::text as v from time_test where time_val <> '00:00:00.555' order by time_val desc",
    ['20:05:00', '01:03:00'],
  ],
  [
    'r_DATEADD_function (TIMETZ)',
    "select dateadd(minute,5,timetz_val)::text as v from timetz_test where timetz_val <> '00:00:00.555+00' order by timetz_val",
    ['04:05:00+00', '06:03:00+00'],
  ],
  ['r_DATEADD_function (TIMETZ: the result in UTC)', "select dateadd(hour, 2, timetz '13:24:55 PST')::text as v", '23:24:55+00'],
  ['r_DATEDIFF_function', "select datediff(hour, '2023-01-01', '2023-01-03 05:04:03') as v", '53'],
  ['r_DATEDIFF_function', "Select datediff(days, 'Jun 1,2008 09:59:59 EST', 'Jul 4,2008 09:59:59 EST') as v", '33'],
  ['r_DATEDIFF_function', 'select datediff(day, start_date, end_date) as v from date_table order by start_date', ['81', '486']],
  // Not checked: datediff(qtr, '1998-07-01', current_date) = 40 "assumes that the current date is June 5,
  // 2008", but from 1998's third quarter to 2008's second, 39 quarter boundaries are crossed.
  // CONVERT_TIMEZONE with offsets
  ['CONVERT_TIMEZONE (offsets)', "SELECT CONVERT_TIMEZONE('GMT','NEWZONE +2','2014-05-17 12:00:00')::text as v", '2014-05-17 10:00:00'],
  ['CONVERT_TIMEZONE (offsets)', "SELECT CONVERT_TIMEZONE('GMT','NEWZONE-2:15','2014-05-17 12:00:00')::text as v", '2014-05-17 14:15:00'],
  [
    'CONVERT_TIMEZONE (offsets)',
    "SELECT CONVERT_TIMEZONE('GMT','America/Los_Angeles+2','2014-05-17 12:00:00')::text as v",
    '2014-05-17 10:00:00',
  ],
  ['CONVERT_TIMEZONE (offsets)', "SELECT CONVERT_TIMEZONE('GMT','GMT+2','2014-05-17 12:00:00')::text as v", '2014-05-17 10:00:00'],
  // INTERVAL literals
  ['r_interval_literals', "select (caldate + interval '1 second')::text as v from date where caldate='12-31-2008'", '2008-12-31 00:00:01'],
  ['r_interval_literals', "select (caldate + interval '1 minute')::text as v from date where caldate='12-31-2008'", '2008-12-31 00:01:00'],
  [
    'r_interval_literals',
    "select (caldate + interval '3 hours, 35 minutes')::text as v from date where caldate='12-31-2008'",
    '2008-12-31 03:35:00',
  ],
  ['r_interval_literals', "select (caldate + interval '52 weeks')::text as v from date where caldate='12-31-2008'", '2009-12-30 00:00:00'],
  [
    'r_interval_literals',
    "select (caldate + interval '1w, 1h, 1m, 1s')::text as v from date where caldate='12-31-2008'",
    '2009-01-07 01:01:01',
  ],
  ['r_interval_literals', "select (caldate + interval '0.5 days')::text as v from date where caldate='12-31-2008'", '2008-12-31 12:00:00'],
  ['r_interval_literals', "select (date '2023-02-15' - interval '4 months')::text as v", '2022-10-15 00:00:00'],
  ['r_interval_literals (days in a month)', "select (date '2023-03-31' - interval '4 months')::text as v", '2022-11-30 00:00:00'],
  // TO_DATE and TO_TIMESTAMP
  ['r_TO_DATE_function', "select to_date('02 Oct 2001', 'DD Mon YYYY')::text as v", '2001-10-02'],
  ['r_TO_TIMESTAMP', "SELECT TO_TIMESTAMP('2017','YYYY')::text as v", '2017-01-01 00:00:00+00'],
  [
    'r_TO_TIMESTAMP (a TIMESTAMP argument)',
    "select to_timestamp(timestamp '2021-04-05 19:27:53.281812', 'YYYY-MM-DD HH24:MI:SS')::text as v",
    '2021-04-05 19:27:53+00',
  ],
  // GETDATE and SYSDATE: a TIMESTAMP (r_GETDATE, r_SYSDATE "Return type")
  ['r_GETDATE (type)', 'select pg_typeof(getdate())::text as v', 'timestamp without time zone'],
  ['r_SYSDATE (type)', 'select pg_typeof(sysdate)::text as v', 'timestamp without time zone'],
];

const REFUSALS: Refusal[] = [
  // Not strict, the cluster rolls '20010631' over to 2001-07-01 and hour 24 to the next day; PostgreSQL cannot.
  ['r_TO_DATE_function', "select to_date('20010631', 'YYYYMMDD', FALSE) as v", /TO_DATE: '20010631' has a field out of range/],
  [
    'r_TO_DATE_function (default: not strict)',
    "select to_date('20010631', 'YYYYMMDD') as v",
    /TO_DATE: '20010631' has a field out of range/,
  ],
  ['r_TO_DATE_function (strict: the error)', "select to_date('20010631', 'YYYYMMDD', TRUE) as v", /out of range/],
  [
    'r_TO_TIMESTAMP',
    "SELECT TO_TIMESTAMP('2011-12-18 24:38:15', 'YYYY-MM-DD HH24:MI:SS') as v",
    /TO_TIMESTAMP: '2011-12-18 24:38:15' has a field out of range/,
  ],
  ['r_TO_TIMESTAMP (strict: the error)', "SELECT TO_TIMESTAMP('2011-12-18 24:38:15', 'YYYY-MM-DD HH24:MI:SS', TRUE) as v", /out of range/],
];

describeDocumentedValues('date and time functions', { setup: SETUP, cases: CASES, refusals: REFUSALS, atLeast: 95 });
