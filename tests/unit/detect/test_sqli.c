#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"

/* Attacks that must be caught at LOW (and so at HIGH too). */
static const char *const attacks[] = {
    "case 1 when 2 then 2 end",
    "case when 's' then 3 end",
    "1 - ANY(SELECT 1,2)",
    /* a statement right after a number (SQL Server needs no ';') */
    "21 update Categories set Category_Title=cast(Category_Title as varchar(8000))",
    /* the database's catalog read wherever it stands */
    "9999' (select count(*) from INFORMATION_SCHEMA.tables as sys1) '9999",
    /* a parenthesised subquery with SQL's select list */
    "1 (SELECT 6744 FROM DUAL WHERE 3176=3176 AND 3761=5879# )",
    /* an operator alone between quotes (MySQL implicit conversion) */
    "'&'",
    "'DIV'",
    "'NOT LIKE'",
    /* one operand, then a comment that cuts off the query */
    "1--",
    "@version --",
    /* UNION SELECT after syntax the grammar does not model */
    "-1 LOCK IN SHARE MODE UNION SELECT table_name from information_schema.tables",
    "$$pgsql evade$$ union select * from foo",
    /* line comments end at a line break */
    "-1#x\nunion select 1,2",
    "' OR '1'='1",
    "' or 1=1--",
    "' or 1=1 -- ",
    "\" or \"\"=\"",
    "admin'--",
    "admin' -- ",
    "admin')--",
    "x' OR 'x'='x",
    "') or ('a'='a",
    "1' and 1=2 union select null, version()--",
    "-1 UNION ALL SELECT 1,2,3",
    "-5 union select username, password from users",
    "1 union select 1,group_concat(table_name) from information_schema.tables",
    "0 UNION SELECT @@version",
    "1) union (select 1,2)--",
    "union select password from accounts where 1",
    "1; DROP TABLE users",
    "1'; DROP TABLE users; --",
    "x'; exec master..xp_cmdshell 'dir'--",
    "1; SHUTDOWN --",
    "1'; WAITFOR DELAY '0:0:5'--",
    "1 WAITFOR DELAY '0:0:5'",
    "1' AND SLEEP(5)--",
    "1 and sleep(5)",
    "1 AND BENCHMARK(5000000,MD5(1))",
    "'; select pg_sleep(10)--",
    "1' AND EXTRACTVALUE(1,CONCAT(0x5c,(SELECT version())))--",
    "1 and updatexml(1,concat(0x7e,user()),1)",
    "1' union select load_file('/etc/passwd')--",
    "1' into outfile '/var/www/shell.php'--",
    "1 AND 1=1",
    "1 AND 1=2",
    "5 or 2>1",
    "1 AND ASCII(SUBSTRING((SELECT password FROM users LIMIT 1),1,1))>64",
    "1 and substring(version(),1,1)=5",
    "1' AND (SELECT COUNT(*) FROM users) > 0 --",
    "1 or 1=(select top 1 name from sysobjects)",
    "(CASE WHEN 1=1 THEN 1 ELSE 0 END)",
    "1 order by 5--",
    "-3 order by 1",
    "1' order by 3#",
    "1' GROUP BY 1 HAVING 1=1--",
    "' or username like '%admin%",
    "' OR TRUE--",
    "1' || '1'='1",
    "x' && 'y'='y",
    "1'/**/OR/**/1=1#",
    "1/*!50000UNION*//*!50000SELECT*/1,2",
    "1 /*!union*/ select 1",
    "-1\nUNION\nSELECT 1,2",
    "1 union--\nselect 1,2",
    "DECLARE @s varchar(8000); SET @s=0x73656c656374; EXEC(@s)",
    "select * from users where id=1",
    "SELECT user, password FROM mysql.user",
    "'; INSERT INTO users VALUES('a','b')--",
    "1'; UPDATE users SET role='admin' WHERE id=1--",
    "'; DELETE FROM sessions--",
    "1' and convert(int, @@version)=1--",
    "x' and (select 1 from dual where 1=1)='1",
    "1 AND (SELECT 1 FROM (SELECT SLEEP(5))a)",
    "'=' or ''='",
    "1' OR '1'='1' /*",
    "aa'or 1=1#",
    "username'exec master..xp_cmdshell 'ping 10.0.0.1'--",
    /* MySQL compares and computes on strings: an operator between the
     * closing quote and a literal the query's own quote closes */
    "'='",
    "' OR '",
    "A' - 'B",
    "A' LIKE 'B",
    "A' NOT REGEXP 'B",
    "x'^0+0='0",
    "aa' like+'0",
    /* a form body: the key is not part of the value */
    "p=select * from users where id=1",
    "q=-1 union select 1,2",
    /* a newline folded into a space turned the rest into a comment */
    "-1# union (select id from users limit 1,1)",
    "-1 -- (select table_name from information_schema.tables limit 1,1)",
    "-1#x union (select id from users limit 1,1)",
    /* HAVING without GROUP BY, after WHERE */
    "1 having 1 limit 1 union select 1--",
    /* conditions on constants: signed numbers, LIKE, BETWEEN */
    "HOPE AND -8=3",
    "x AND (-8)=(-3)",
    "1 AND 1 NOT LIKE 0",
    "1 and 1 not between 0 and 1",
    "1 or name like '%'",
    /* a value written to follow the query's own value */
    "AND CONNECTION_ID()=CONNECTION_ID()",
    "|| 1=1 --",
    "-1 union",
    "-1/1/**/union#--",
    "SELECT CHAR(0x66)",
    "LENGTH(version())",
    "ascii(substring(version() from 1 for 1))",
    "DATABASE() LIKE SCHEMA()",
    "aa' LIKE 0 -- -a",
    "' or id= 1 having 1 #1 !",
    "'; begin shutdown end-- -a",
    "1; delete low_priority from foo",
    "1; delete quick ignore from foo",
    /* stacked statements after syntax the grammar does not model */
    "'goto label; label: declare @s varchar(8000);set @s = 0x41;exec(@s)",
    /* numeric literals glued to a keyword: Oracle's D and F suffixes,
     * SQL Server's empty 0x, a decimal point, SELECT.2 */
    "1DUNION SELECT 2",
    "-1fUNION SELECT column_name FROM table_name",
    "SELECT 0xUNION SELECT 2",
    "1.UNION SELECT.2alias",
    /* bracketed qualified names (SQL Server) */
    "SELECT\"name\"FROM[information_schema].[tables]",
    /* keywords in MySQL executable comments */
    "/*!UNiOn*/ /*!SeLEct*/ ",
    "395 /*!32359 AND 0 */",
    "1 /*!50000or*/ 1",
    /* a constant arithmetic expression compared with a constant */
    "4 and 31337-31337=0",
    /* arithmetic whose '+' a second URL decoding turned into a space */
    "1 pi() and (3=pi())--",
    "1' ('12') and (3=pi())--",
    "foo' and 1 2 3 4 5 6=21--",
    "aa'^0 0 1-1=(0)-- -a",
    "' COALESCE('admin') and 1 = !1 div 1 '",
    /* a CASE expression as a subquery's select list */
    "1' IN BOOLEAN MODE) RLIKE (SELECT (CASE WHEN (2270=3285) THEN 1 ELSE 0x28 END))# ",
    /* a statement stacked after statements the walk does not read */
    "(select 1); (select 1); update users set password = 99",
    /* T-SQL variable names with '#' */
    "1';declare @# int;shutdown;set @# = '1",
    /* a URI path whose last segment carries the value */
    "/api/items/5 or 1=1--",
    "/123) AND 12=12 AND JSON_DEPTH('{}') != 2521",
    /* CASE over BINARY and boolean constants, then more query */
    "CASE WHEN BINARY TRUE THEN TRUE END IS NOT UNKNOWN HAVING TRUE FOR UPDATE",
};

/* Weaker signals: only HIGH must flag these. */
static const char *const high_only[] = {
    "1 or 1", "x' or", "1/*", "1 - ORD('A')", "char(65)", "a'+'b",
};

/* Benign text that must pass at LOW. */
static const char *const benign[] = {
    "case when it rains then we end",
    "Choose (select 1)",
    "Please (select 1 from the menu)",
    "version 2 update notes: the set of fixes",
    "select a seat from information desk",
    "'*'",
    "\"1--\"",
    "page 10--",
    "credit union select account",
    "don't",
    "O'Reilly's book",
    "it's 5 o'clock",
    "Rock 'n' roll",
    "I can't believe it's not butter",
    "select the best option and update your profile",
    "drop me a line",
    "union of sets",
    "order by date",
    "Please select all that apply",
    "delete my account please",
    "insert coin to continue",
    "the credit union select account",
    "\"exact phrase\" -exclude",
    "\"quoted words\" and more",
    "1-2",
    "555-123-4567",
    "24-7-team",
    "a-b--c",
    "my-blog-post--draft",
    "2024-01-15",
    "v1.2.3",
    "3.14159",
    "john.doe@example.com",
    "https://example.com/search?q=shoes&page=2",
    "/api/v1/items?sort=-created&limit=20",
    "{\"name\": \"Alice\", \"age\": 30}",
    "[1, 2, 3]",
    "true",
    "null",
    "Hello, world!",
    "C# developer with 5 years",
    "issue #123 is fixed",
    "price: $5 - $10",
    "5' 10\" tall",
    "the 'big' one or the small one",
    "Tom & Jerry",
    "rock and roll",
    "black or white",
    "cats and dogs; birds too",
    "It's great -- really",
    "Unpacking and Installation -- quick overview",
    "if (a == b) { return 1; }",
    "for (int i = 0; i < n; i++)",
    "x = y + 1;",
    "SELECT your plan below",
    "Where is George?",
    "1 BY 1 INCH PILLOWS",
    "AS FOR ME AND MY HOUSE",
    "NOT ALL WHO WANDER",
    "sleep 8 hours",
    "User's guide (2nd edition)",
    "Q&A session at 5pm",
    "10% off",
    "He said \"hi\" and left",
    "foo bar'# blah",
    "Movin' on t-shirt",
    "50/50 chance",
    "The simplest way is to run `configure' from the directory.",
    "AIX (5.1 and 5.3, using cc and gcc)",
    "8-bit Limit (BRK)",
    "I'm -- as they say -- done",
    "100 - 20 = 80",
    "key=value; other=thing",
    /* a number glued to a word that holds a keyword after its first
     * letter, short keywords, version strings, documentation comments */
    "buy 2for 1",
    "1done and 2fin",
    "version 1.5beta and 2.0rc1 or later",
    "0xdeadbeef",
    "/*! \\brief Select the item */",
    "/*!< the union of both sets */",
    "x /*! 2 and 3 */",
    "chapter 4 and 10 - x = 8",
    "case when you can then do it end of story",
    "/docs/what-is-new-in-5.0/and-more",
    "/static/js/app.min.js",
    /* literals side by side in prose */
    "Call 555 1234 and ask for Bob",
    "see chapter 1 (intro) and chapter 2 (setup)",
    "it costs 5 (five) dollars or 6 (six) with tax",
    "step 1 (optional) and step 2 (required) -- done",
    "I said 'hi' 'there' and left",
    "items 3 4 and 5 = total",
    "email me @# later",
    /* changelog lines: a call or a literal, then a parenthesis of words
     * that a '#' reference ends */
    "_dbus_string_init_const() (fd.o #89104, Simon McVittie)",
    "\"cupsd.conf\" file (Issue #371)",
    "'1386' (fixes #10995).",
    "(select case) when done; then update the list",
    "see 'notes' (draft) and 'final' 2",
};

/* Benign text near the constructs the detector reads as SQL: quoted
 * symbols, arithmetic, form keys. Must pass at LOW; HIGH may flag them. */
static const char *const benign_near_sql[] = {
    "Press '+' to zoom",
    "\"*\"",
    "'-'",
    "x'+'y",
    "<a href=\"/apps/\">galerie d'applications</a>",
    "he is 5' - 6' tall",
    "rating='5' or better",
    "SKU 'AB-12' - 'CD-34'",
    "3-2=1",
    "2+2=4",
    "x - 8 = 3",
    "2024-01-15 - 2024-02-01",
    "token=zzh7W_krs4jSNwVV2TssQsSbOj--",
    "p=TRUE#LAST",
    "issue #12 union members select a chair",
    "sizes 1 like 2",
    "1 having",
    "and more",
    "or later",
    "AND then some",
    "Union 1",
    "Local 1 union",
    "cats and dogs; birds too",
    "select one (1) option",
    "select char(s)",
    "version()",
    "length(name)",
    "see (version()) below",
    "he's like 5 -- maybe 6",
    "100% like",
};

static void attacks_low(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		sk_detect_match m;
		memset(&m, 0, sizeof m);
		const char *s = attacks[i];
		bool low = sk_detect_sqli((const uint8_t *)s, strlen(s), SK_SQLI_LOW, &m);
		bool high = sk_detect_sqli((const uint8_t *)s, strlen(s), SK_SQLI_HIGH, NULL);
		if (!low || !high || !m.reason[0] || m.off + m.len > strlen(s)) {
			print_error("missed: %s\n", s);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void weak_signals_high_only(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof high_only / sizeof high_only[0]; i++) {
		const char *s = high_only[i];
		bool low = sk_detect_sqli((const uint8_t *)s, strlen(s), SK_SQLI_LOW, NULL);
		bool high = sk_detect_sqli((const uint8_t *)s, strlen(s), SK_SQLI_HIGH, NULL);
		if (low || !high) {
			print_error("level mismatch (low=%d high=%d): %s\n", low, high, s);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void benign_low(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof benign / sizeof benign[0]; i++) {
		sk_detect_match m;
		const char *s = benign[i];
		if (sk_detect_sqli((const uint8_t *)s, strlen(s), SK_SQLI_LOW, &m)) {
			print_error("false positive at LOW: %s (%s)\n", s, m.reason);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void benign_near_sql_low(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof benign_near_sql / sizeof benign_near_sql[0]; i++) {
		sk_detect_match m;
		const char *s = benign_near_sql[i];
		if (sk_detect_sqli((const uint8_t *)s, strlen(s), SK_SQLI_LOW, &m)) {
			print_error("false positive at LOW: %s (%s)\n", s, m.reason);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void benign_mostly_pass_high(void **state)
{
	(void)state;
	size_t flagged = 0, total = sizeof benign / sizeof benign[0];
	for (size_t i = 0; i < total; i++) {
		const char *s = benign[i];
		if (sk_detect_sqli((const uint8_t *)s, strlen(s), SK_SQLI_HIGH, NULL))
			flagged++;
	}
	assert_true(flagged * 5 <= total); /* at most a fifth */
}

static void match_points_at_decision(void **state)
{
	(void)state;
	const char *s = "abc' UNION SELECT 1,2--";
	sk_detect_match m;
	assert_true(sk_detect_sqli((const uint8_t *)s, strlen(s), SK_SQLI_LOW, &m));
	assert_int_equal(m.off, 3); /* the quote that closes */
	assert_non_null(strstr(m.reason, "UNION SELECT"));
	assert_non_null(strstr(m.reason, "single-quoted"));
}

static void not_nul_terminated_and_empty(void **state)
{
	(void)state;
	assert_false(sk_detect_sqli((const uint8_t *)"", 0, SK_SQLI_HIGH, NULL));
	assert_false(sk_detect_sqli(NULL, 0, SK_SQLI_LOW, NULL));
	/* only the first 8 bytes count: "1 or 1=1" follows */
	const char *s = "hello 12 or 1=1";
	assert_false(sk_detect_sqli((const uint8_t *)s, 8, SK_SQLI_LOW, NULL));
	char buf[4] = {'\'', '-', '-', ' '};
	assert_true(sk_detect_sqli((const uint8_t *)buf, sizeof buf, SK_SQLI_LOW, NULL));
}

static void large_input_is_bounded(void **state)
{
	(void)state;
	static uint8_t big[1 << 20];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)("lorem ipsum dolor sit amet, it's ok "[i % 36]);
	assert_false(sk_detect_sqli(big, sizeof big, SK_SQLI_LOW, NULL));
	memset(big, '\'', sizeof big);
	(void)sk_detect_sqli(big, sizeof big, SK_SQLI_HIGH, NULL);
	memset(big, '(', sizeof big);
	(void)sk_detect_sqli(big, sizeof big, SK_SQLI_HIGH, NULL);
}

/* Findings far from the start of the value, or behind many '(' or words:
 * the detector skips ahead on benign text and must not skip these. */
static void found_anywhere(void **state)
{
	(void)state;
	char buf[4096];
	static const char *const tails[] = {
	    "x.benchmark(5000000, md5(1))", "see master..xp_cmdshell now",
	    "then DBMS_LOCK.SLEEP (5) and", "1 or pg_sleep(5)--",
	    "'; select pg_sleep(10)--",     "' or 1=1--",
	    "1'; DROP TABLE users; --",
	};
	static const char *const heads[] = {"", "hello world ", "it was fine (mostly) ",
	                                    "(((((((((("};
	for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
		for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
			size_t n = 0;
			for (int r = 0; r < 20; r++) {
				size_t l = strlen(heads[h]);
				memcpy(buf + n, heads[h], l);
				n += l;
			}
			size_t l = strlen(tails[t]);
			memcpy(buf + n, tails[t], l);
			n += l;
			sk_detect_match m;
			if (!sk_detect_sqli((const uint8_t *)buf, n, SK_SQLI_LOW, &m))
				fail_msg("missed after %zu bytes of \"%s\": %s", n - l, heads[h],
				         tails[t]);
			assert_true(m.off + m.len <= n);
		}
	}
	/* more '(' than the quick check looks at */
	size_t n = 300;
	memset(buf, '(', n);
	memcpy(buf + n, "x benchmark(9,md5(1))", 21);
	assert_true(sk_detect_sqli((const uint8_t *)buf, n + 21, SK_SQLI_LOW, NULL));
	/* no quote, no call, no keyword: nothing to find, whatever the case */
	assert_false(
	    sk_detect_sqli((const uint8_t *)"Union Station, Select Hotel", 27, SK_SQLI_LOW, NULL));
	assert_true(sk_detect_sqli((const uint8_t *)"1 uNiOn SeLeCt 1,2", 18, SK_SQLI_LOW, NULL));
}

/* Values of word bytes only (letters, digits, '_', '.') skip the tokenizer
 * when they hold no keyword, catalog name or xp_cmdshell: these hold one
 * and must still be found. */
static void word_values(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		sk_sqli_level level;
	} found[] = {
	    {"1union", SK_SQLI_LOW},       {"0xabunion", SK_SQLI_LOW},
	    {"1DUNION", SK_SQLI_LOW},      {"1.5union", SK_SQLI_LOW},
	    {"1.e5UnIoN", SK_SQLI_LOW},    {"kill.5", SK_SQLI_LOW},
	    {"mysql.user", SK_SQLI_LOW},   {"information_schema.tables", SK_SQLI_LOW},
	    {"xp_cmdshell.", SK_SQLI_LOW}, {"1.xp_cmdshell.", SK_SQLI_LOW},
	    {"sys.x", SK_SQLI_LOW},        {"current_user", SK_SQLI_HIGH},
	};
	for (size_t i = 0; i < sizeof found / sizeof found[0]; i++)
		if (!sk_detect_sqli((const uint8_t *)found[i].s, strlen(found[i].s), found[i].level,
		                    NULL))
			fail_msg("missed %s", found[i].s);
	static const char *const clean[] = {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
	                                    "eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
	                                    "GA1.2.118351107.1643470429",
	                                    "session_id",
	                                    "x.1union",
	                                    "union.1",
	                                    "Select",
	                                    "1.5"};
	for (size_t i = 0; i < sizeof clean / sizeof clean[0]; i++)
		if (sk_detect_sqli((const uint8_t *)clean[i], strlen(clean[i]), SK_SQLI_HIGH, NULL))
			fail_msg("false positive on %s", clean[i]);
}

/* Every keyword is looked up as one (kw_lookup() and the table of
 * lengths in front of it): a closing quote right before a keyword is SQL
 * syntax at HIGH, before a word that is no keyword it is not. */
static void every_keyword(void **state)
{
	(void)state;
	static const char *const kws[] = {
	    "ALL",      "ALTER",    "AND",    "AS",     "ASC",      "BEGIN",     "BETWEEN",
	    "BINARY",   "BY",       "CALL",   "CASE",   "COLLATE",  "CREATE",    "CROSS",
	    "DECLARE",  "DELAY",    "DELETE", "DESC",   "DISTINCT", "DO",        "DROP",
	    "DUMPFILE", "ELSE",     "END",    "EXCEPT", "EXEC",     "EXECUTE",   "EXISTS",
	    "FALSE",    "FOR",      "FROM",   "FULL",   "GRANT",    "GROUP",     "HAVING",
	    "IF",       "ILIKE",    "IN",     "INNER",  "INSERT",   "INTERSECT", "INTO",
	    "IS",       "JOIN",     "KILL",   "LEFT",   "LIKE",     "LIMIT",     "LOAD",
	    "OFFSET",   "ON",       "OR",     "ORDER",  "OUTER",    "OUTFILE",   "PROCEDURE",
	    "REGEXP",   "REPLACE",  "REVOKE", "RIGHT",  "RLIKE",    "SELECT",    "SET",
	    "SHOW",     "SHUTDOWN", "SOUNDS", "THEN",   "TOP",      "TRUE",      "TRUNCATE",
	    "UNION",    "UPDATE",   "USING",  "VALUES", "WAITFOR",  "WHEN",      "WHERE",
	    "WHILE",    "XOR",
	};
	char buf[64];
	for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
		for (int lower = 0; lower < 2; lower++) {
			int n = snprintf(buf, sizeof buf, "x' %s", kws[i]);
			for (int j = 3; lower && j < n; j++)
				buf[j] = (char)(buf[j] | 0x20);
			if (!sk_detect_sqli((const uint8_t *)buf, (size_t)n, SK_SQLI_HIGH, NULL))
				fail_msg("not a keyword: %s", buf);
			buf[n] = 'Z'; /* no keyword ends in Z */
			if (sk_detect_sqli((const uint8_t *)buf, (size_t)n + 1, SK_SQLI_HIGH, NULL))
				fail_msg("a keyword: %.*s", n + 1, buf);
		}
	}
	/* the operators and NULL, which that rule does not read */
	static const char *const others[] = {"'DIV'", "'mod'", "x' or NOT 1--", "x' or null--"};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (!sk_detect_sqli((const uint8_t *)others[i], strlen(others[i]), SK_SQLI_LOW,
		                    NULL))
			fail_msg("not a keyword: %s", others[i]);
	assert_false(sk_detect_sqli((const uint8_t *)"'DIVZ'", 6, SK_SQLI_LOW, NULL));
	assert_false(sk_detect_sqli((const uint8_t *)"x' or nullz--", 13, SK_SQLI_LOW, NULL));
}

/* Every call no text makes is found after prose, whatever letter its
 * name ends with (may_call_strong() looks only at names ending in the
 * last letters of its table). */
static void every_strong_call(void **state)
{
	(void)state;
	static const char *const names[] = {
	    "BENCHMARK",
	    "DBMS_LOCK.SLEEP",
	    "DBMS_PIPE.RECEIVE_MESSAGE",
	    "EXTRACTVALUE",
	    "GTID_SUBSET",
	    "LOAD_FILE",
	    "NAME_CONST",
	    "OPENROWSET",
	    "PG_READ_FILE",
	    "PG_SLEEP",
	    "POLYGON",
	    "RANDOMBLOB",
	    "UPDATEXML",
	    "UTL_HTTP.REQUEST",
	    "UTL_INADDR.GET_HOST_ADDRESS",
	    "UTL_INADDR.GET_HOST_NAME",
	    "XP_CMDSHELL",
	    "XP_DIRTREE",
	};
	char buf[96];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int n = snprintf(buf, sizeof buf, "it is fine %s (1,2)", names[i]);
		if (!sk_detect_sqli((const uint8_t *)buf, (size_t)n, SK_SQLI_LOW, NULL))
			fail_msg("missed %s", buf);
		/* the last letter changed: no such call */
		buf[11 + strlen(names[i]) - 1] = 'Z';
		if (sk_detect_sqli((const uint8_t *)buf, (size_t)n, SK_SQLI_LOW, NULL))
			fail_msg("found %s", buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(attacks_low),
	    cmocka_unit_test(weak_signals_high_only),
	    cmocka_unit_test(benign_low),
	    cmocka_unit_test(benign_near_sql_low),
	    cmocka_unit_test(benign_mostly_pass_high),
	    cmocka_unit_test(match_points_at_decision),
	    cmocka_unit_test(not_nul_terminated_and_empty),
	    cmocka_unit_test(large_input_is_bounded),
	    cmocka_unit_test(found_anywhere),
	    cmocka_unit_test(word_values),
	    cmocka_unit_test(every_keyword),
	    cmocka_unit_test(every_strong_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
