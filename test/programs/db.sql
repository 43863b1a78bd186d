-- A realistic sqlite3 session: schema, a generated data set, indexes, joins,
-- aggregates, window functions, JSON, a CTE and a rolled-back transaction.
PRAGMA journal_mode=DELETE;
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id), salary INTEGER, hired TEXT);
INSERT INTO dept(name) VALUES ('kernel'), ('machine'), ('tools'), ('docs');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO emp(name, dept, salary, hired)
  SELECT printf('emp%03d', i), 1 + (i * 7) % 4, 40000 + (i * 7919) % 60000, date('2020-01-01', printf('+%d days', (i * 37) % 1500)) FROM n;
CREATE INDEX emp_dept ON emp(dept, salary);
SELECT d.name, count(*), sum(e.salary), round(avg(e.salary), 2), min(e.hired), max(e.hired)
  FROM emp e JOIN dept d ON d.id = e.dept GROUP BY d.name ORDER BY d.name;
SELECT name, salary, rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS r
  FROM emp WHERE dept = 2 ORDER BY r, name LIMIT 5;
SELECT json_object('dept', d.name, 'top', (SELECT json_group_array(name) FROM (SELECT name FROM emp WHERE dept = d.id ORDER BY salary DESC LIMIT 3)))
  FROM dept d ORDER BY d.id;
BEGIN; DELETE FROM emp WHERE salary > 50000; SELECT count(*) FROM emp; ROLLBACK;
SELECT count(*), total(salary) FROM emp;
SELECT strftime('%Y', hired) AS y, count(*) FROM emp GROUP BY y ORDER BY y;
EXPLAIN QUERY PLAN SELECT * FROM emp WHERE dept = 3 AND salary > 90000;
SELECT group_concat(name, ',') FROM (SELECT name FROM emp WHERE salary BETWEEN 99000 AND 99999 ORDER BY name);
PRAGMA integrity_check;
