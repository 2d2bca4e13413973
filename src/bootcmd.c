/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The next boot's kernel command line (see the header).  Sources: the Boot
 * Loader Specification (options lines concatenate; EL 8's $kernelopts),
 * grub-editenv's environment block, grub-mkconfig's 10_linux
 * (GRUB_CMDLINE_LINUX, then GRUB_CMDLINE_LINUX_DEFAULT for the default
 * entry), the kernel's next_arg() (quotes group a word) and parse_args()
 * ("--" hands the rest to init).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcmd.h"
#include "run.h"
#include "util.h"

#define FILES_MAX 512
/* A value that expands itself ("X=\"$X$X\"" on every line) doubles per line: cut it. */
#define VALUE_MAX (64u << 10)


static bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

/* ------------------------------------------------------ the words */

void boot_cmdline_done(struct boot_cmdline *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->words[i]);
	free(c->words);
	free(c->from);
	strv_free(c->sources);
	free(c->source);
	*c = (struct boot_cmdline) {0};
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int boot_cmdline_append(struct boot_cmdline *c, const char *text, size_t len, const char *from)
{
	const char *src;

	if (!c->source) {
		/* "FILE line N (what)": the file */
		const char *sp = strstr(from, " line "), *pa = strstr(from, " (");
		size_t n = sp ? (size_t) (sp - from) : pa ? (size_t) (pa - from) : strlen(from);
		c->source = strndup(from, n);
		if (!c->source)
			return -ENOMEM;
	}
	if (strv_push(&c->sources, strdup(from)) < 0)
		return -ENOMEM;
	src = c->sources[strv_length(c->sources) - 1];
	for (size_t i = 0; i < len && c->n < BOOT_WORDS_MAX;) {
		/* One word: quotes group, and are dropped (next_arg() in lib/cmdline.c). */
		struct buf w = {0};
		bool q = false;
		while (i < len && blank(text[i]))
			i++;
		if (i >= len)
			break;
		for (; i < len && (q || !blank(text[i])); i++) {
			if (text[i] == '"')
				q = !q;
			else
				buf_putc(&w, text[i] ? text[i] : ' ');
		}
		if (!buf_ok(&w)) {
			buf_done(&w);
			return -ENOMEM;
		}
		_cleanup_free_ char *word = buf_steal(&w);
		if (streq(word, "--"))
			break;	/* the rest is init's */
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 16;
			char **nw = realloc(c->words, cap * sizeof(*nw));
			if (!nw)
				return -ENOMEM;
			c->words = nw;
			const char **nf = realloc(c->from, cap * sizeof(*nf));
			if (!nf)
				return -ENOMEM;
			c->from = nf;
			c->cap = cap;
		}
		c->words[c->n] = TAKE_PTR(word);
		c->from[c->n++] = src;
	}
	return 0;
}

const char *boot_cmdline_value(const struct boot_cmdline *c, const char *key, const char **ret_from)
{
	size_t kl = strlen(key);

	for (size_t i = c->n; i > 0; i--) {
		const char *w = c->words[i - 1];
		if (strncmp(w, key, kl) != 0 || (w[kl] != '=' && w[kl] != '\0'))
			continue;
		if (ret_from)
			*ret_from = c->from[i - 1];
		return w[kl] == '=' ? w + kl + 1 : w + kl;
	}
	return NULL;
}


/* -------------------------------------------------- /etc/default/grub */

static bool ident_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* $NAME or ${NAME} at text[*i] ('$' already seen at *i): append its value (only `name` is known). */
static void expand(struct buf *out, const char *text, size_t len, size_t *i, const char *name, const char *cur)
{
	size_t j = *i + 1, st, e;
	bool braced = j < len && text[j] == '{';

	if (braced)
		j++;
	st = j;
	while (j < len && ident_char(text[j]))
		j++;
	e = j;
	if (braced) {
		/* ${NAME:-x} and the like: skip to the brace, value unknown unless plain */
		bool plain = j < len && text[j] == '}';
		while (j < len && text[j] != '}' && text[j] != '\n')
			j++;
		if (j < len && text[j] == '}')
			j++;
		if (!plain)
			e = st;
	}
	if (e == st && !braced) {
		buf_putc(out, '$');	/* a lone '$' stands for itself */
		*i = *i + 1;
		return;
	}
	if (e > st && cur && word_is(text + st, e - st, name) && out->len + strlen(cur) <= VALUE_MAX)
		buf_puts(out, cur);
	*i = j;
}

int boot_shell_assignment(const char *text, size_t len, const char *name, char **io, unsigned *ret_line)
{
	_cleanup_free_ char *cur = *io ? strdup(*io) : NULL;
	unsigned line = 1, found_line = 0;
	size_t i = 0;
	bool found = false;

	if (*io && !cur)
		return -ENOMEM;
	while (i < len) {
		char c = text[i];
		if (c == ' ' || c == '\t' || c == ';' || c == '\r' || c == '\0') {
			i++;
			continue;
		}
		if (c == '\n') {
			line++;
			i++;
			continue;
		}
		unsigned first = line;
		if (c != '#' && len - i > 7 && memcmp(text + i, "export", 6) == 0 && (text[i + 6] == ' ' || text[i + 6] == '\t'))
			i += 7;
		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		size_t st = i;
		while (i < len && ident_char(text[i]) && ident_start(text[st]))
			i++;
		if (i == st || i >= len || text[i] != '=') {
			/* a comment or another command: skip the line */
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		bool mine = word_is(text + st, i - st, name);
		struct buf v = {0};
		i++;
		while (i < len && !(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == ';')) {
			c = text[i];
			if (c == '\'') {
				for (i++; i < len && text[i] != '\''; i++) {
					line += text[i] == '\n';
					buf_putc(&v, text[i]);
				}
				i += i < len;
			} else if (c == '"') {
				for (i++; i < len && text[i] != '"';) {
					if (text[i] == '\\' && i + 1 < len && text[i + 1] && strchr("\"\\$`\n", text[i + 1])) {
						if (text[i + 1] == '\n')
							line++;
						else
							buf_putc(&v, text[i + 1]);
						i += 2;
					} else if (text[i] == '$')
						expand(&v, text, len, &i, name, cur);
					else if (text[i] == '`') {
						/* command substitution: its output is unknown */
						for (i++; i < len && text[i] != '`' && text[i] != '"'; i++)
							line += text[i] == '\n';
						i += i < len && text[i] == '`';
					} else {
						line += text[i] == '\n';
						buf_putc(&v, text[i++]);
					}
				}
				i += i < len;
			} else if (c == '\\' && i + 1 < len) {
				if (text[i + 1] == '\n')
					line++;
				else
					buf_putc(&v, text[i + 1]);
				i += 2;
			} else if (c == '$') {
				expand(&v, text, len, &i, name, cur);
			} else if (c == '`') {
				for (i++; i < len && text[i] != '`'; i++)
					line += text[i] == '\n';
				i += i < len;
			} else {
				buf_putc(&v, c);
				i++;
			}
		}
		if (!buf_ok(&v)) {
			buf_done(&v);
			return -ENOMEM;
		}
		if (mine) {
			free(cur);
			cur = buf_steal(&v);
			found = true;
			found_line = first;
		}
		buf_done(&v);
		/* "A=b cmd": the rest of the line is a command */
		while (i < len && text[i] != '\n')
			i++;
	}
	if (!found)
		return 0;
	free(*io);
	*io = TAKE_PTR(cur);
	if (ret_line)
		*ret_line = found_line;
	return 1;
}

/* ------------------------------------------------------ grubenv and BLS */

int boot_grubenv_get(const char *text, size_t len, const char *key, char **ret)
{
	struct text_lines it = { text, len, 0, 0 };
	const char *l;
	size_t n, kl = strlen(key);
	char *v = NULL;

	while (text_next_line(&it, &l, &n)) {
		if (n <= kl || l[0] == '#' || memcmp(l, key, kl) != 0 || l[kl] != '=')
			continue;
		free(v);
		v = strndup(l + kl + 1, n - kl - 1);
		if (!v)
			return -ENOMEM;
	}
	if (!v)
		return 0;
	*ret = v;
	return 1;
}

int boot_bls_options(const char *text, size_t len, char **ret, unsigned *ret_line)
{
	struct text_lines it = { text, len, 0, 0 };
	struct buf b = {0};
	unsigned first = 0;
	const char *l;
	size_t n;

	while (text_next_line(&it, &l, &n)) {
		text_trim(&l, &n);
		if (n < 8 || memcmp(l, "options", 7) != 0 || (l[7] != ' ' && l[7] != '\t'))
			continue;
		const char *v = l + 8;
		size_t vl = n - 8;
		text_trim(&v, &vl);
		if (b.len)
			buf_putc(&b, ' ');
		buf_append(&b, v, vl);
		if (!first)
			first = it.lineno;
	}
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	if (!first) {
		buf_done(&b);
		return 0;
	}
	*ret = buf_steal(&b);
	if (ret_line)
		*ret_line = first;
	return 1;
}


/* ------------------------------------------------------------------ load */

static const char *const grubenv_paths[] = { "/boot/grub2/grubenv", "/boot/grub/grubenv" };

/* The Boot Loader Specification entry that boots: grubenv's saved_entry, else the newest version. */
static int bls_cmdline(struct target *t, struct boot_cmdline *c, const char *grubenv, const char *grubenv_path,
		       bool *ret_found)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *saved = NULL, *text = NULL, *opts = NULL, *path = NULL, *from = NULL;
	const char *pick = NULL;
	size_t len = 0;
	unsigned line = 0;
	int r;

	*ret_found = false;
	if (target_list_dir(t, "/boot/loader/entries", &names) < 0)
		return 0;
	if (grubenv) {
		r = boot_grubenv_get(grubenv, strlen(grubenv), "saved_entry", &saved);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < FILES_MAX && names[i]; i++) {
		size_t n = strlen(names[i]);
		if (n <= 5 || !streq(names[i] + n - 5, ".conf"))
			continue;
		if (saved && strlen(saved) == n - 5 && strncmp(names[i], saved, n - 5) == 0) {
			pick = names[i];
			break;
		}
		if (!pick || strverscmp(names[i], pick) > 0)
			pick = names[i];
	}
	if (!pick)
		return 0;
	path = path_join("/boot/loader/entries", pick);
	if (!path)
		return -ENOMEM;
	r = target_read_file_optional(t, path, CONFIG_MAX, &text, &len);
	if (r < 0 || !text)
		return r;
	r = boot_bls_options(text, len, &opts, &line);
	if (r <= 0)
		return r;
	*ret_found = true;
	/* EL 8 writes "options $kernelopts" and keeps the line in grubenv. */
	_cleanup_free_ char *kopts = NULL;
	if (grubenv && (strstr(opts, "$kernelopts") || strstr(opts, "${kernelopts}"))) {
		r = boot_grubenv_get(grubenv, strlen(grubenv), "kernelopts", &kopts);
		if (r < 0)
			return r;
	}
	if (asprintf(&from, "%s line %u (options)", path, line) < 0)
		return -ENOMEM;
	/* Apply the words in order, $kernelopts where it stands. */
	for (const char *p = opts; *p;) {
		const char *v = strstr(p, "$kernelopts"), *vb = strstr(p, "${kernelopts}");
		if (vb && (!v || vb < v))
			v = vb;
		size_t n = v ? (size_t) (v - p) : strlen(p);
		r = boot_cmdline_append(c, p, n, from);
		if (r < 0 || !v)
			return r;
		if (kopts) {
			_cleanup_free_ char *kf = NULL;
			if (asprintf(&kf, "%s (kernelopts)", grubenv_path) < 0)
				return -ENOMEM;
			r = boot_cmdline_append(c, kopts, strlen(kopts), kf);
			if (r < 0)
				return r;
		}
		p = v + (v == vb ? 13 : 11);
	}
	return 0;
}

/* GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT: /etc/default/grub, then grub.d's .cfg files sourced after it. */
static int grub_default_cmdline(struct target *t, struct boot_cmdline *c)
{
	static const char *const vars[] = { "GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT" };
	_cleanup_strv_free_ char **files = NULL;
	int r;

	r = target_glob(t, "/etc/default/grub.d/*.cfg", &files);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		files = NULL;
	/* /etc/default/grub first */
	_cleanup_strv_free_ char **all = NULL;
	if (strv_push(&all, strdup("/etc/default/grub")) < 0)
		return -ENOMEM;
	for (size_t i = 0; files && files[i] && i < FILES_MAX; i++)
		if (strv_push(&all, strdup(files[i])) < 0)
			return -ENOMEM;

	for (size_t v = 0; v < ELEMENTSOF(vars); v++) {
		_cleanup_free_ char *val = NULL, *from = NULL;
		for (size_t i = 0; all[i]; i++) {
			_cleanup_free_ char *text = NULL;
			size_t len;
			unsigned line = 0;
			r = target_read_file_optional(t, all[i], CONFIG_MAX, &text, &len);
			if (r < 0)
				return r;
			if (!text)
				continue;
			r = boot_shell_assignment(text, len, vars[v], &val, &line);
			if (r < 0)
				return r;
			if (r > 0) {
				free(from);
				if (asprintf(&from, "%s line %u (%s)", all[i], line, vars[v]) < 0) {
					from = NULL;
					return -ENOMEM;
				}
			}
		}
		if (!from)
			continue;
		r = boot_cmdline_append(c, val, strlen(val), from);
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_cmdline(struct target *t, struct boot_cmdline *c)
{
	_cleanup_free_ char *env = NULL;
	const char *env_path = NULL;
	size_t len = 0;
	bool found = false;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(grubenv_paths) && !env; i++) {
		r = target_read_file_optional(t, grubenv_paths[i], CONFIG_MAX, &env, &len);
		if (r < 0)
			return r;
		if (env && memchr(env, '\0', len))
			env[strnlen(env, len)] = '\0';	/* the block is text */
		env_path = grubenv_paths[i];
	}
	r = bls_cmdline(t, c, env, env_path, &found);
	if (r < 0 || found)
		return r;
	if (env) {
		_cleanup_free_ char *k = NULL, *from = NULL;
		r = boot_grubenv_get(env, strlen(env), "kernelopts", &k);
		if (r < 0)
			return r;
		if (r > 0) {
			if (asprintf(&from, "%s (kernelopts)", env_path) < 0)
				return -ENOMEM;
			return boot_cmdline_append(c, k, strlen(k), from);
		}
	}
	return grub_default_cmdline(t, c);
}


int boot_cmdline_load(struct target *t, struct boot_cmdline *ret)
{
	struct boot_cmdline c = {0};
	int r = load_cmdline(t, &c);

	if (r < 0) {
		boot_cmdline_done(&c);
		return r;
	}
	*ret = c;
	return 0;
}

int boot_cmdline_get(struct run *run, const struct boot_cmdline **ret)
{
	if (!run->model.boot) {
		struct boot_cmdline *c = calloc(1, sizeof(*c));
		int r;
		if (!c)
			return -ENOMEM;
		r = boot_cmdline_load(run->target, c);
		if (r < 0) {
			free(c);
			return r;
		}
		run->model.boot = c;
	}
	*ret = run->model.boot;
	return 0;
}
