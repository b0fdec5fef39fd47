/**
 * Window functions and aggregates: the values their pages print (docs.aws.amazon.com/redshift/latest/dg/<page>.html),
 * on the VENUE rows r_WF_first_value and r_WF_NTH show and on WINSALES. Differences found and
 * emulated: the IGNORE NULLS that r_WF_first_value writes inside FIRST_VALUE's parentheses was a
 * syntax error locally (expressions.ts moves it out); PERCENTILE_CONT / PERCENTILE_DISC ... OVER
 * were refused, PostgreSQL having no windowed ordered-set aggregates (window-percentile.ts).
 */
import { describeDocumentedValues, WINSALES, type Case, type Refusal } from './documented-cases';

const SETUP = `
${WINSALES};
create table venue(venueid integer, venuename varchar(100), venuecity varchar(30), venuestate char(2), venueseats integer);
insert into venue values (1, 'Qualcomm Stadium', 'San Diego', 'CA', 70561), (2, 'Monster Park', 'San Francisco', 'CA', 69843),
  (3, 'McAfee Coliseum', 'Oakland', 'CA', 63026), (4, 'Dodger Stadium', 'Los Angeles', 'CA', 56000),
  (5, 'Angel Stadium of Anaheim', 'Anaheim', 'CA', 45050), (6, 'PETCO Park', 'San Diego', 'CA', 42445),
  (7, 'AT&T Park', 'San Francisco', 'CA', 41503), (8, 'Shoreline Amphitheatre', 'Mountain View', 'CA', 22000),
  (9, 'INVESCO Field', 'Denver', 'CO', 76125), (10, 'Coors Field', 'Denver', 'CO', 50445), (11, 'Nationals Park', 'Washington', 'DC', 41888),
  (12, 'Dolphin Stadium', 'Miami Gardens', 'FL', 74916), (13, 'Jacksonville Municipal Stadium', 'Jacksonville', 'FL', 73800),
  (14, 'Raymond James Stadium', 'Tampa', 'FL', 65647), (15, 'Tropicana Field', 'St. Petersburg', 'FL', 36048),
  (16, 'Ralph Wilson Stadium', 'Orchard Park', 'NY', 73967), (17, 'Yankee Stadium', 'New York City', 'NY', 52325),
  (18, 'Madison Square Garden', 'New York City', 'NY', 20000);
create table venue_stanford as select * from venue where venuestate = 'CA';
insert into venue_stanford values (2000, null, 'Stanford', 'CA', 90000);
create table winsales_qty(sellerid integer, qty decimal(8,2));
insert into winsales_qty values (1, 10.00), (1, 10.64), (1, 30.37), (3, 10.04), (3, 15.15), (3, 20.75), (3, 30.55),
  (2, 20.09), (2, 20.12), (4, 10.12), (4, 40.23)`;

const WINDOW = 'over(partition by venuestate order by venueseats desc rows between unbounded preceding and unbounded following)';
const FOUR_STATES = "(select * from venue where venueseats > 0 and venuestate in ('CA', 'CO', 'DC', 'FL'))";

const CASES: Case[] = [
  [
    'r_WF_first_value',
    `select first_value(venuename) ${WINDOW} as v from ${FOUR_STATES} order by venuestate, venueseats desc`,
    [
      ...Array<string>(8).fill('Qualcomm Stadium'),
      ...Array<string>(2).fill('INVESCO Field'),
      'Nationals Park',
      ...Array<string>(4).fill('Dolphin Stadium'),
    ],
  ],
  [
    'r_WF_first_value (LAST_VALUE)',
    `select last_value(venuename) ${WINDOW} as v from ${FOUR_STATES} order by venuestate, venueseats desc`,
    [
      ...Array<string>(8).fill('Shoreline Amphitheatre'),
      ...Array<string>(2).fill('Coors Field'),
      'Nationals Park',
      ...Array<string>(4).fill('Tropicana Field'),
    ],
  ],
  [
    'r_WF_first_value (a NULL first value)',
    `select first_value(venuename) ${WINDOW} as v from (select * from venue_stanford where venueseats > 0) order by venueseats desc limit 3`,
    [null, null, null],
  ],
  [
    'r_WF_first_value (IGNORE NULLS inside the parentheses)',
    `select first_value(venuename ignore nulls) ${WINDOW} as v from (select * from venue_stanford where venuestate='CA') order by venueseats desc limit 3`,
    ['Qualcomm Stadium', 'Qualcomm Stadium', 'Qualcomm Stadium'],
  ],
  [
    'r_WF_NTH',
    `select nth_value(venueseats, 3) ignore nulls ${WINDOW} as v from (select * from venue where venueseats > 0 and venuestate in ('CA', 'FL', 'NY')) order by venuestate, venueseats desc`,
    [...Array<string>(8).fill('63026'), ...Array<string>(4).fill('65647'), ...Array<string>(3).fill('20000')],
  ],
  // The page prints two decimals.
  [
    'r_WF_CUME_DIST',
    'select round(cume_dist() over (partition by sellerid order by qty)::numeric, 2)::float8 as v from winsales_qty order by sellerid, qty',
    ['0.33', '0.67', '1', '0.5', '1', '0.25', '0.5', '0.75', '1', '0.5', '1'],
  ],
  // Windowed PERCENTILE_CONT / PERCENTILE_DISC on WINSALES (refused before: PostgreSQL has no windowed ordered-set aggregates).
  [
    'r_WF_PERCENTILE_CONT (OVER ())',
    'select percentile_cont(0.5) within group (order by qty) over() as v from winsales order by sellerid, qty',
    Array<string>(11).fill('20.0'),
  ],
  [
    'r_WF_PERCENTILE_CONT (PARTITION BY: a DECIMAL for integers)',
    'select percentile_cont(0.5) within group (order by qty) over(partition by sellerid) as v from winsales order by sellerid, qty',
    ['10.0', '10.0', '10.0', '20.0', '20.0', '17.5', '17.5', '17.5', '17.5', '25.0', '25.0'],
  ],
  [
    'r_WF_PERCENTILE_DISC (OVER ())',
    'select percentile_disc(0.5) within group (order by qty) over() as v from winsales order by sellerid, qty',
    Array<string>(11).fill('20'),
  ],
  [
    'r_WF_PERCENTILE_DISC (PARTITION BY)',
    'select percentile_disc(0.5) within group (order by qty) over(partition by sellerid) as v from winsales order by sellerid, qty',
    ['10', '10', '10', '20', '20', '15', '15', '15', '15', '10', '10'],
  ],
  // Ranking and running aggregates on WINSALES
  [
    'r_WF_COUNT',
    'select count(*) over (order by salesid rows unbounded preceding) as v from winsales order by salesid',
    ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'],
  ],
  [
    'r_WF_COUNT (non-NULL values)',
    'select count(qty_shipped) over (order by salesid rows unbounded preceding) as v from winsales order by salesid',
    ['1', '1', '1', '2', '3', '4', '4', '4', '4', '4', '5'],
  ],
  [
    'r_WF_DENSE_RANK',
    "select dense_rank() over(order by qty desc) || '|' || rank() over(order by qty desc) as v from winsales order by qty, salesid",
    ['5|8', '5|8', '5|8', '5|8', '4|7', '3|4', '3|4', '3|4', '2|2', '2|2', '1|1'],
  ],
  [
    'r_WF_RANK',
    'select rank() over (order by qty) as v from winsales order by qty, salesid',
    ['1', '1', '1', '1', '5', '6', '6', '6', '9', '9', '11'],
  ],
  [
    'r_WF_MAX',
    'select max(qty) over (order by salesid rows unbounded preceding) as v from winsales order by salesid',
    ['10', '30', '30', '30', '30', '30', '30', '30', '30', '40', '40'],
  ],
  [
    'r_WF_MAX (a restricted frame)',
    'select max(qty) over (order by salesid rows between 2 preceding and 1 preceding) as v from winsales order by salesid limit 8',
    [null, '10', '30', '30', '20', '20', '20', '15'],
  ],
  [
    'r_WF_SUM',
    'select sum(qty) over (order by dateid, salesid rows unbounded preceding) as v from winsales order by dateid, salesid',
    ['10', '20', '50', '90', '100', '120', '130', '150', '165', '185', '215'],
  ],
  // r_COUNT: "The COUNT function returns BIGINT"; the approximate count is exact locally, within the ~2% error.
  ['r_COUNT (APPROXIMATE: type)', 'select pg_typeof(approximate count(distinct venuestate))::text as v from venue', 'bigint'],
  ['r_COUNT (APPROXIMATE: value)', 'select approximate count(distinct venuestate) as v from venue', '5'],
];

// "The OVER clause cannot contain a window ordering or window frame specification" (r_WF_PERCENTILE_CONT).
const REFUSALS: Refusal[] = [
  [
    'r_WF_PERCENTILE_CONT',
    'select percentile_cont(0.5) within group (order by qty) over(order by sellerid) as v from winsales',
    /PERCENTILE_CONT \.\.\. OVER \(\.\.\.\) takes only PARTITION BY/,
  ],
];

describeDocumentedValues('window functions and aggregates', { setup: SETUP, cases: CASES, refusals: REFUSALS, atLeast: 150 });
