/* Server-side template and expression injection detector.
 *
 * Template engines evaluate what sits between their delimiters: "{{ }}"
 * and "{% %}" (Jinja2, Twig, Nunjucks, Liquid, Handlebars, Go), "${ }"
 * (FreeMarker, Velocity, Mako, Thymeleaf, JSP EL), "#{ }" (Thymeleaf, JSF,
 * Ruby, Pug), "*{ }", "@{ }" and "~{ }" (Thymeleaf), "<%= %>" (ERB, EJS),
 * FreeMarker tags "<#assign ...>" and Velocity's "#set( )". Input that
 * reaches a template source is code. Ordinary text holds such delimiters
 * too (a CI file's "${{ github.sha }}", a shell "${HOME}", a Handlebars
 * snippet in a post), so a delimiter alone proves nothing; what does:
 *
 * - an expression made only of number literals and arithmetic, "{{7*7}}":
 *   nobody writes that in text, it is how injection is probed for, since
 *   the page then shows 49;
 * - an expression that walks to code execution: Python's object graph
 *   (__class__, __globals__, __subclasses__...), Java classes and
 *   reflection (getClass, forName, Runtime, ProcessBuilder, T(...)),
 *   FreeMarker's ?new and Execute, Twig's _self.env and filter
 *   callbacks, JavaScript's constructor and process objects;
 * - a FreeMarker or Velocity directive (<#assign, #set() that creates
 *   or calls something.
 *
 * An expression is read up to its closing delimiter or, when that is
 * missing (input cut short), up to EXPR_MAX bytes. */
#include "detect/text.h"

#define EXPR_MAX 256

typedef struct opener {
	const char *open, *close;
} opener;

static const opener openers[] = {
    {"{{", "}}"}, {"{%", "%}"}, {"${", "}"}, {"#{", "}"},    {"*{", "}"}, {"@{", "}"},
    {"~{", "}"},  {"<%", "%>"}, {"<#", ">"}, {"#set(", ")"}, {"@(", ")"},
};

/* Names that lead from a template to code execution or to the server's
 * secrets; matched case-sensitively (they are identifiers) anywhere in an
 * expression. */
static const char *const gadgets[] = {
    "__class__",
    "__mro__",
    "__subclasses__",
    "__globals__",
    "__builtins__",
    "__import__",
    "__init__",
    "__base__",
    "__bases__",
    "__dict__",
    "__getattribute__",
    "__reduce__",
    "getClass",
    "forName",
    "java.lang",
    "Runtime",
    "ProcessBuilder",
    "getRuntime",
    "freemarker.template",
    "Execute",
    "ObjectConstructor",
    "JythonRuntime",
    "?new(",
    "?api",
    "_self.env",
    "registerUndefinedFilterCallback",
    "getFilter(",
    "child_process",
    "process.mainModule",
    "mainModule",
    "require(",
    "constructor(",
    ".constructor",
    "popen(",
    "os.system",
    "subprocess",
    "system(",
    "passthru(",
    "shell_exec(",
    "exec(",
    "eval(",
    "self._TemplateReference",
    "lipsum.",
    "cycler.",
    "joiner.",
    "namespace.__",
    "request.application",
    "config.items",
    "settings.SECRET",
    "$smarty",
    "{php}",
    "T(java",
    "new java.",
    "Class.forName",
    "getMethod(",
    "invoke(",
    "@java.",
    NULL,
};

/* Only number literals, arithmetic operators, parentheses and space, with
 * at least one operator between two numbers. */
static bool arithmetic_probe(const uint8_t *p, size_t n)
{
	bool num = false, op = false, prev_num = false, pair = false;
	for (size_t i = 0; i < n; i++) {
		int c = p[i];
		if (sk_tx_digit(c) || (c == '.' && prev_num)) {
			if (!prev_num && op && num)
				pair = true;
			num = prev_num = true;
			continue;
		}
		prev_num = false;
		if (c == '*' || c == '+' || c == '-' || c == '/' || c == '%')
			op = true;
		else if (c == '\'' || c == '"') {
			/* "{{7*'7'}}": Jinja repeats the string, Twig multiplies. */
			if (i + 2 < n && sk_tx_digit(p[i + 1]) && p[i + 2] == c) {
				if (op && num)
					pair = true;
				num = true;
				i += 2;
			} else
				return false;
		} else if (!sk_tx_space(c) && c != '(' && c != ')')
			return false;
	}
	return pair;
}

static const char *gadget_in(const uint8_t *p, size_t n)
{
	for (int g = 0; gadgets[g]; g++) {
		size_t k = strlen(gadgets[g]);
		for (size_t i = 0; i + k <= n; i++)
			if (p[i] == (uint8_t)gadgets[g][0] && memcmp(p + i, gadgets[g], k) == 0)
				return gadgets[g];
	}
	return NULL;
}

static const uint8_t *find(const uint8_t *s, const uint8_t *e, const char *w)
{
	size_t k = strlen(w);
	for (; s + k <= e; s++) {
		s = memchr(s, w[0], (size_t)(e - s));
		if (!s || s + k > e)
			return NULL;
		if (memcmp(s, w, k) == 0)
			return s;
	}
	return NULL;
}

/* Bytes an opener starts with, and its second bytes: "## Title" or
 * "a@b.c" are passed over without trying each opener in turn. */
static const uint8_t first[256] = {
    ['{'] = 1, ['$'] = 1, ['#'] = 1, ['*'] = 1, ['@'] = 1, ['~'] = 1, ['<'] = 1};
static const uint8_t second[256] = {['{'] = 1, ['%'] = 1, ['#'] = 1, ['s'] = 1, ['('] = 1};

/* Whether an opener may start at p[i]: its first two bytes. */
static bool may_open(const uint8_t *p, size_t n, size_t i)
{
	return first[p[i]] && i + 1 < n && second[p[i + 1]];
}

/* Judges the openers that start at p[i], where may_open() said yes (so
 * p[i + 1] is there). */
static bool openers_at(const uint8_t *p, size_t n, size_t i, sk_detect_match *m)
{
	const uint8_t *e = p + n;
	for (size_t o = 0; o < sizeof openers / sizeof openers[0]; o++) {
		const opener *op = &openers[o];
		if (p[i] != (uint8_t)op->open[0] || p[i + 1] != (uint8_t)op->open[1] ||
		    !sk_tx_at(p, n, i, op->open))
			continue;
		size_t k = strlen(op->open);
		const uint8_t *a = p + i + k;
		const uint8_t *lim = (size_t)(e - a) > EXPR_MAX ? a + EXPR_MAX : e;
		const uint8_t *z = find(a, lim, op->close);
		bool closed = z != NULL;
		if (!z)
			z = lim;
		size_t len = (size_t)(z - a);
		/* ERB and EJS output tags: "<%=", "<%-". */
		if (op->open[1] == '%' && len && (*a == '=' || *a == '-')) {
			a++;
			len--;
		}
		char why[128];
		/* "<#" must name a FreeMarker directive, not any tag-like text. */
		if (op->open[0] == '<' && op->open[1] == '#') {
			static const char *const ftl[] = {
			    "assign",   "global", "local", "include", "import",  "macro",
			    "function", "list",   "if",    "attempt", "setting", NULL};
			int w = sk_tx_word_ci(a, len, 0, ftl);
			if (w < 0)
				continue;
			const char *g = gadget_in(a, len);
			if (g || w <= 2) {
				snprintf(why, sizeof why, "FreeMarker directive <#%s%s%s", ftl[w],
				         g ? " reaching " : "", g ? g : "");
				return sk_tx_hit(m, i, len + k, why);
			}
			continue;
		}
		if (closed && strcmp(op->open, "#set(") != 0 && arithmetic_probe(a, len)) {
			snprintf(why, sizeof why, "template expression %s%.*s%s computes a probe",
			         op->open, (int)(len > 32 ? 32 : len), (const char *)a, op->close);
			return sk_tx_hit(m, i, len + k + strlen(op->close), why);
		}
		const char *g = gadget_in(a, len);
		if (g) {
			snprintf(why, sizeof why, "template expression after %s reaches %s",
			         op->open, g);
			return sk_tx_hit(m, i, len + k, why);
		}
	}
	return false;
}

bool sk_detect_template(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	if (!p || n == 0)
		return false;
	/* Every opener has '{', '%', '#' or '@' as its first or second byte
	 * ("#set(" and "@(" start with theirs): a vector scan for those skips
	 * the rest of the text. */
	const uint8_t *e = p + n;
	size_t last = SIZE_MAX; /* an opener position already judged */
	for (const uint8_t *s = p; (s = sk_find_any4(s, e, '{', '%', '#', '@')) != NULL; s++) {
		size_t j = (size_t)(s - p);
		if (j > 0 && j - 1 != last && may_open(p, n, j - 1) && openers_at(p, n, j - 1, m))
			return true;
		if (may_open(p, n, j) && openers_at(p, n, j, m))
			return true;
		last = j;
	}
	return false;
}
