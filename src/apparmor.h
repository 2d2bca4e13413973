/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file rules of one AppArmor profile (apparmor.d(5), RULES §9.6): what
 * the profile lets the program it confines read or execute, so a family can
 * ask "may sshd read this keys file?" without a kernel that enforces.
 *
 * Read: the profile's file up to its header (variables and includes there:
 * tunables/global), then its body with its includes ("include <x>",
 * "#include <x>", "include if exists <x>", "x" relative to
 * /etc/apparmor.d, a directory meaning every file in it), variables
 * "@{X} = a b" and "@{X} += c" wherever they are, and file rules
 *   [audit] [allow|deny] [owner] [file] PATH PERMS [-> TARGET],
 *   [audit] [allow|deny] [owner] [file] PERMS PATH,
 *   file,  (every file, every permission)
 * Child profiles and hats ("profile x {", "^hat {") are skipped: they
 * confine other programs.  Everything else (capability, network, dbus,
 * ptrace, signal, unix, mount, link rules) is not about reading a file.
 *
 * Decision (as the kernel's): a deny rule that matches wins; else an allow
 * rule that matches grants; else nothing does (denied).  An owner rule
 * matches only when the file's owner is the task's fsuid (the caller says).
 * Paths match with AppArmor's globbing after variables are expanded into
 * alternations.
 *
 * Not modelled: x-mode transitions beyond "some x is allowed", link and
 * lock permissions, rule priorities of AppArmor 4 ("priority="), and
 * conditionals ("if defined"): a profile using them may be read wrong, and
 * what could not be read is listed (unread).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum {
	AA_READ = 1 << 0,
	AA_WRITE = 1 << 1,	/* w or a */
	AA_EXEC = 1 << 2,	/* any x mode */
};

struct aa_rule {
	char *path;		/* as written, quotes removed */
	unsigned perms;
	bool deny, owner;
	char *where;		/* "FILE line N" */
	char *file;		/* FILE */
	unsigned line;		/* N */
};

struct aa_rules {
	struct aa_rule *v;
	size_t n;
	char *all_files;	/* where a bare "file," grants everything, or NULL */
	char **vars;		/* "NAME\tvalue" per value, in order */
	char *local;		/* the "include if exists <local/NAME>" of the body, or NULL */
	char **unread;		/* includes that could not be read, and why */
};

/* Read a file of /etc/apparmor.d (an absolute path); a directory gives -EISDIR. */
typedef int (*aa_read_fn)(void *userdata, const char *path, char **ret, size_t *ret_len);
/* List a directory's entries (names), for a directory include. */
typedef int (*aa_list_fn)(void *userdata, const char *path, char ***ret_names);

/*
 * The rules of the profile whose header is line header_line of file (text,
 * len).  Returns 0 with *ret (aa_rules_done()), or -ENOMEM.
 */
int aa_rules_load(const char *file, const char *text, size_t len, unsigned header_line, aa_read_fn rd, aa_list_fn ls,
		  void *userdata, struct aa_rules *ret);
void aa_rules_done(struct aa_rules *r);

enum aa_verdict {
	AA_ALLOWED,
	AA_NO_RULE,	/* no rule grants it: denied */
	AA_DENIED,	/* a deny rule matches */
};

/*
 * May the confined program have perm (AA_READ, AA_EXEC) on path, a file
 * owned by its fsuid when owner?  *ret_rule: the rule that decides (the
 * deny, or the allow), NULL for AA_NO_RULE and for "file,".
 */
enum aa_verdict aa_rules_check(const struct aa_rules *r, const char *path, unsigned perm, bool owner,
			       const struct aa_rule **ret_rule);

/* Does path hold a character AppArmor reads as a pattern or a separator (so it cannot be written as a rule as is)? */
bool aa_path_is_literal(const char *path);
