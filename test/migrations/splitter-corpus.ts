/**
 * The splitter corpus: tricky statement boundaries, each with the statements it must split into.
 * Shared by split-sql.test.ts and lexers-agree.test.ts (both lexers must read them the same way).
 */
export const SPLITTER_CORPUS: { name: string; text: string; expected: string[] }[] = [
  { name: 'plain statements, last without ;', text: 'select 1;\nselect 2', expected: ['select 1', 'select 2'] },
  {
    name: 'semicolon in a string',
    text: "insert into t values ('a;b');select 1;",
    expected: ["insert into t values ('a;b')", 'select 1'],
  },
  { name: 'doubled quotes in a string', text: "select 'it''s; fine';select 2;", expected: ["select 'it''s; fine'", 'select 2'] },
  {
    name: 'doubled quotes in an identifier',
    text: 'create table "a"";b" (x int);select 1;',
    expected: ['create table "a"";b" (x int)', 'select 1'],
  },
  { name: 'E string with escaped quote', text: "select E'a\\';b';select 2;", expected: ["select E'a\\';b'", 'select 2'] },
  { name: 'E string with escaped backslash before quote', text: "select e'a\\\\';select 2;", expected: ["select e'a\\\\'", 'select 2'] },
  // Redshift processes backslash escapes in ordinary literals (pattern-matching-conditions-posix, r_STRTOL).
  {
    name: 'backslash-escaped quote in a plain string (Redshift)',
    text: "select 'it\\'s; fine';select 2;",
    expected: ["select 'it\\'s; fine'", 'select 2'],
  },
  { name: 'two backslashes before the closing quote', text: "select 'a\\\\';select 2;", expected: ["select 'a\\\\'", 'select 2'] },
  {
    name: "quote escaped as \\' inside a view's literal (AdminViews v_generate_external_tbl_ddl)",
    text: "select replace(x, '\\'', '\\'\\'') as y;select 2;",
    expected: ["select replace(x, '\\'', '\\'\\'') as y", 'select 2'],
  },
  { name: 'backslash is literal in a U& string', text: "select U&'a\\';select 2;", expected: ["select U&'a\\'", 'select 2'] },
  { name: 'line comment with ;', text: 'select 1 -- no; split\n;select 2;', expected: ['select 1 -- no; split', 'select 2'] },
  {
    name: 'nested block comments with ;',
    text: 'select /* a; /* b; */ c; */ 1;select 2;',
    expected: ['select /* a; /* b; */ c; */ 1', 'select 2'],
  },
  {
    name: '$$ procedure body',
    text: 'create procedure p() as $$\nbegin\n  insert into t values (1);\n  commit;\nend;\n$$ language plpgsql;\ncall p();',
    expected: ['create procedure p() as $$\nbegin\n  insert into t values (1);\n  commit;\nend;\n$$ language plpgsql', 'call p()'],
  },
  {
    name: '$tag$ body containing $$ and ;',
    text: "create function f() returns text as $body$ select '$$;' $body$ language sql;select 1;",
    expected: ["create function f() returns text as $body$ select '$$;' $body$ language sql", 'select 1'],
  },
  {
    name: '$1 parameters are not dollar quotes',
    text: 'prepare q as select $1; select 2;',
    expected: ['prepare q as select $1', 'select 2'],
  },
  { name: 'dollar inside an identifier', text: 'select a$b$c from t; select 2;', expected: ['select a$b$c from t', 'select 2'] },
  { name: 'CRLF line endings', text: 'select 1;\r\nselect 2;\r\n', expected: ['select 1', 'select 2'] },
  { name: 'UTF-8 BOM', text: '\ufeffselect 1;', expected: ['select 1'] },
  { name: 'empty statements and comment-only tail', text: ';;select 1;;\n-- the end\n/* really */', expected: ['select 1'] },
  {
    name: 'Redshift single-quoted procedure body',
    text: "create procedure p() as '\nbegin\n  raise info ''hi;'';\nend;\n' language plpgsql;select 1;",
    expected: ["create procedure p() as '\nbegin\n  raise info ''hi;'';\nend;\n' language plpgsql", 'select 1'],
  },
  {
    name: 'non-ASCII text',
    text: "insert into t values ('Zürich; 東京');select 1",
    expected: ["insert into t values ('Zürich; 東京')", 'select 1'],
  },
];
