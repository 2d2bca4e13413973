/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/mac.c and src/bootcmd.c: /etc/selinux/config as
 * libselinux reads it, the next boot's kernel command line from
 * /etc/default/grub (and grub.d), grubenv and BLS entries (a parameter's
 * last valid value wins; selinux=0, enforcing=, security=, lsm=,
 * apparmor=0), the local store's port types, AppArmor profiles that attach
 * to sshd with their mode, labels of any length read through an fd, and
 * hostile input (huge lines, NUL bytes, a value that doubles itself).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "bootcmd.h"
#include "mac.h"
#include "model.h"
#include "netmounts.h"
#include "run.h"
#include "target.h"
#include "testlib.h"
#include "util.h"

static char *root;
static struct target *t;

static void setup(void)
{
	root = tl_mkdtemp();
	ck_assert_int_eq(target_new(root, &t), 0);
}

static void teardown(void)
{
	target_free(t);
	tl_rmtree(root);
	free(root);
	t = NULL;
	root = NULL;
}

/* The MAC state of the scratch root, through the same steps as mac_get(). */
static struct mac_state *load(struct boot_cmdline *boot)
{
	struct mac_state *m = NULL;

	ck_assert_int_eq(boot_cmdline_load(t, boot), 0);
	ck_assert_int_eq(mac_load(t, boot, &m), 0);
	return m;
}

static bool evidence_has(char **v, const char *needle)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strstr(v[i], needle))
			return true;
	return false;
}

START_TEST(mac_parse_selinux_config_modes)
{
	static const struct {
		const char *text;
		enum selinux_mode mode;
		const char *type;
	} cases[] = {
		{ "SELINUX=enforcing\nSELINUXTYPE=targeted\n", SELINUX_ENFORCING, "targeted" },
		{ "# comment\n  SELINUX=permissive  \r\n", SELINUX_PERMISSIVE, "targeted" },
		{ "SELINUX=Disabled\nSELINUXTYPE=mls\n", SELINUX_DISABLED, "mls" },
		/* libselinux compares a prefix: a trailing comment does not matter */
		{ "SELINUX=enforcing # strict\n", SELINUX_ENFORCING, "targeted" },
		{ "SELINUX=enforcing\nSELINUX=permissive\n", SELINUX_PERMISSIVE, "targeted" },
		{ "SELINUX=yes\n", SELINUX_NONE, "targeted" },
		{ "SELINUXTYPE=../../etc\nSELINUX=enforcing\n", SELINUX_ENFORCING, NULL },
		{ "SELINUXTYPE=\nSELINUX=enforcing\n", SELINUX_ENFORCING, NULL },
		{ "", SELINUX_NONE, "targeted" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		enum selinux_mode mode;
		unsigned line;
		_cleanup_free_ char *type = NULL;
		ck_assert_int_eq(mac_parse_selinux_config(cases[i].text, strlen(cases[i].text), &mode, &line, &type), 0);
		ck_assert_msg(mode == cases[i].mode, "case %zu: mode %d", i, mode);
		if (cases[i].type)
			ck_assert_str_eq(type, cases[i].type);
		else
			ck_assert_ptr_null(type);
	}

	/* NUL bytes end a line's content; a huge line costs only its length. */
	static const char nul[] = "SELINUX=enf\0orcing\nSELINUXTYPE=targeted\0junk\n";
	enum selinux_mode mode;
	unsigned line;
	_cleanup_free_ char *type = NULL;
	ck_assert_int_eq(mac_parse_selinux_config(nul, sizeof(nul) - 1, &mode, &line, &type), 0);
	ck_assert_int_eq(mode, SELINUX_NONE);
	ck_assert_str_eq(type, "targeted");

	size_t big = 8u << 20;
	_cleanup_free_ char *huge = malloc(big + 32);
	ck_assert_ptr_nonnull(huge);
	memset(huge, 'x', big);
	memcpy(huge + big, "\nSELINUX=enforcing\n", 19);
	_cleanup_free_ char *type2 = NULL;
	ck_assert_int_eq(mac_parse_selinux_config(huge, big + 19, &mode, &line, &type2), 0);
	ck_assert_int_eq(mode, SELINUX_ENFORCING);
	ck_assert_uint_eq(line, 2);
}
END_TEST

START_TEST(boot_cmdline_last_one_wins)
{
	struct boot_cmdline c = {0};
	const char *from = NULL;

	ck_assert_int_eq(boot_cmdline_append(&c, "ro quiet selinux=1 \"acpi=a b\"", 29, "A"), 0);
	ck_assert_int_eq(boot_cmdline_append(&c, "selinux=0 splash -- selinux=1", 29, "B"), 0);
	ck_assert_str_eq(boot_cmdline_value(&c, "selinux", &from), "0");
	ck_assert_str_eq(from, "B");
	ck_assert_str_eq(boot_cmdline_value(&c, "acpi", NULL), "a b");
	ck_assert_str_eq(boot_cmdline_value(&c, "quiet", NULL), "");
	ck_assert_ptr_null(boot_cmdline_value(&c, "sel", NULL));
	ck_assert_str_eq(c.source, "A");
	boot_cmdline_done(&c);

	/* Millions of words: bounded. */
	size_t big = 4u << 20;
	_cleanup_free_ char *huge = malloc(big);
	ck_assert_ptr_nonnull(huge);
	for (size_t i = 0; i < big; i += 2) {
		huge[i] = 'a';
		huge[i + 1] = i % 7 ? ' ' : '\0';
	}
	ck_assert_int_eq(boot_cmdline_append(&c, huge, big, "huge"), 0);
	ck_assert_uint_le(c.n, BOOT_WORDS_MAX);
	boot_cmdline_done(&c);
}
END_TEST

START_TEST(boot_shell_assignment_quoting)
{
	static const char grub[] = "# If you change this file, run 'update-grub'\n"
				   "GRUB_DEFAULT=0\n"
				   "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
				   "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
				   "GRUB_CMDLINE_LINUX=\"console=ttyS0 \\\"x\\\"\n"
				   "  selinux=1\"\n"
				   "export GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX security=selinux\"\n"
				   "GRUB_CMDLINE_LINUX_DEFAULT='$GRUB_CMDLINE_LINUX_DEFAULT kept'\n";
	_cleanup_free_ char *v = NULL, *d = NULL;
	unsigned line = 0;

	ck_assert_int_eq(boot_shell_assignment(grub, sizeof(grub) - 1, "GRUB_CMDLINE_LINUX", &v, &line), 1);
	ck_assert_str_eq(v, "console=ttyS0 \"x\"\n  selinux=1 security=selinux");
	ck_assert_uint_eq(line, 7);
	ck_assert_int_eq(boot_shell_assignment(grub, sizeof(grub) - 1, "GRUB_CMDLINE_LINUX_DEFAULT", &d, &line), 1);
	ck_assert_str_eq(d, "$GRUB_CMDLINE_LINUX_DEFAULT kept");
	ck_assert_uint_eq(line, 8);
	ck_assert_int_eq(boot_shell_assignment(grub, sizeof(grub) - 1, "GRUB_TIMEOUT", &d, &line), 0);

	/* A seeded value, ${NAME}, and a value that doubles itself on every line stays bounded. */
	_cleanup_free_ char *s = strdup("base");
	static const char cfg[] = "X=\"${X} more\"\nX=\"$X$X\"\n";
	ck_assert_int_eq(boot_shell_assignment(cfg, sizeof(cfg) - 1, "X", &s, NULL), 1);
	ck_assert_str_eq(s, "base morebase more");
	struct buf b = {0};
	for (int i = 0; i < 200; i++)
		buf_puts(&b, "X=\"$X$X\"\n");
	_cleanup_free_ char *grow = strdup("ab");
	ck_assert_int_eq(boot_shell_assignment(b.data, b.len, "X", &grow, NULL), 1);
	ck_assert_uint_le(strlen(grow), 256u << 10);
	buf_done(&b);
}
END_TEST

START_TEST(boot_grubenv_and_bls)
{
	static const char env[] = "# GRUB Environment Block\nsaved_entry=abc-5.14.0\nkernelopts=root=/dev/vda1 ro "
				  "enforcing=0\n##########";
	static const char entry[] = "title Linux\nversion 5.14.0\nlinux /vmlinuz\noptions $kernelopts\n"
				    "options  crashkernel=auto  \n";
	_cleanup_free_ char *k = NULL, *o = NULL, *none = NULL;
	unsigned line = 0;

	ck_assert_int_eq(boot_grubenv_get(env, sizeof(env) - 1, "kernelopts", &k), 1);
	ck_assert_str_eq(k, "root=/dev/vda1 ro enforcing=0");
	ck_assert_int_eq(boot_grubenv_get(env, sizeof(env) - 1, "missing", &none), 0);
	ck_assert_int_eq(boot_bls_options(entry, sizeof(entry) - 1, &o, &line), 1);
	ck_assert_str_eq(o, "$kernelopts crashkernel=auto");
	ck_assert_uint_eq(line, 4);
}
END_TEST

START_TEST(mac_load_grub_selinux_off)
{
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/selinux", 0755);
	tl_mkdir(root, "etc/default", 0755);
	tl_mkdir(root, "etc/default/grub.d", 0755);
	tl_write(root, "etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n", 0644);

	/* No boot loader file: the configuration alone. */
	struct boot_cmdline b = {0};
	struct mac_state *m = load(&b);
	ck_assert_int_eq(m->mode, SELINUX_ENFORCING);
	ck_assert_ptr_null(b.source);
	ck_assert_str_eq(m->selinux_evidence[0], "/etc/selinux/config: SELINUX=enforcing, SELINUXTYPE=targeted");
	mac_free(m);
	boot_cmdline_done(&b);

	/* GRUB_CMDLINE_LINUX_DEFAULT comes after GRUB_CMDLINE_LINUX: its selinux=0 wins. */
	tl_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX=\"selinux=1\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet selinux=0\"\n",
		 0644);
	m = load(&b);
	ck_assert_int_eq(m->config_mode, SELINUX_ENFORCING);
	ck_assert_int_eq(m->mode, SELINUX_DISABLED);
	ck_assert(evidence_has(m->selinux_evidence, "/etc/default/grub line 2 (GRUB_CMDLINE_LINUX_DEFAULT): selinux=0"));
	mac_free(m);
	boot_cmdline_done(&b);

	/* grub.d is sourced after /etc/default/grub; an invalid value is ignored by the kernel. */
	tl_write(root, "etc/default/grub.d/50-cloud.cfg",
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT selinux=1 selinux=maybe\"\n", 0644);
	m = load(&b);
	ck_assert_int_eq(m->mode, SELINUX_ENFORCING);
	mac_free(m);
	boot_cmdline_done(&b);

	/* enforcing=0 makes the boot permissive; security=apparmor leaves SELinux off. */
	tl_write(root, "etc/default/grub.d/50-cloud.cfg", "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX enforcing=0\"\n", 0644);
	tl_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX=\"\"\n", 0644);
	m = load(&b);
	ck_assert_int_eq(m->mode, SELINUX_PERMISSIVE);
	ck_assert(evidence_has(m->selinux_evidence, "50-cloud.cfg line 1 (GRUB_CMDLINE_LINUX): enforcing=0"));
	mac_free(m);
	boot_cmdline_done(&b);
	tl_write(root, "etc/default/grub.d/50-cloud.cfg", "GRUB_CMDLINE_LINUX=\"security=apparmor\"\n", 0644);
	m = load(&b);
	ck_assert_int_eq(m->mode, SELINUX_DISABLED);
	mac_free(m);
	boot_cmdline_done(&b);
	/* lsm= beats security= */
	tl_write(root, "etc/default/grub.d/50-cloud.cfg", "GRUB_CMDLINE_LINUX=\"security=apparmor lsm=lockdown,selinux\"\n",
		 0644);
	m = load(&b);
	ck_assert_int_eq(m->mode, SELINUX_ENFORCING);
	mac_free(m);
	boot_cmdline_done(&b);
}
END_TEST

START_TEST(mac_load_bls_kernelopts)
{
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/selinux", 0755);
	tl_mkdir(root, "etc/default", 0755);
	tl_mkdir(root, "boot", 0755);
	tl_mkdir(root, "boot/grub2", 0755);
	tl_mkdir(root, "boot/loader", 0755);
	tl_mkdir(root, "boot/loader/entries", 0755);
	tl_write(root, "etc/selinux/config", "SELINUX=permissive\n", 0644);
	/* /etc/default/grub no longer decides once BLS entries exist */
	tl_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX=\"selinux=0\"\n", 0644);
	tl_write(root, "boot/grub2/grubenv", "# GRUB Environment Block\nkernelopts=root=/dev/vda2 enforcing=1\n####", 0644);
	tl_write(root, "boot/loader/entries/m-5.14.0-9.conf", "title new\noptions $kernelopts\n", 0644);
	tl_write(root, "boot/loader/entries/m-5.14.0-10.conf", "title newer\noptions $kernelopts quiet\n", 0644);
	tl_write(root, "boot/loader/entries/m-0-rescue.conf", "title rescue\noptions root=/dev/vda2 selinux=0\n", 0644);

	struct boot_cmdline b = {0};
	struct mac_state *m = load(&b);
	ck_assert_str_eq(b.source, "/boot/loader/entries/m-5.14.0-10.conf");
	ck_assert_str_eq(boot_cmdline_value(&b, "quiet", NULL), "");
	ck_assert_int_eq(m->mode, SELINUX_ENFORCING);
	ck_assert(evidence_has(m->selinux_evidence, "/boot/grub2/grubenv (kernelopts): enforcing=1"));
	mac_free(m);
	boot_cmdline_done(&b);

	/* saved_entry picks the entry */
	tl_write(root, "boot/grub2/grubenv", "saved_entry=m-0-rescue\nkernelopts=enforcing=1\n", 0644);
	m = load(&b);
	ck_assert_int_eq(m->mode, SELINUX_DISABLED);
	ck_assert(evidence_has(m->selinux_evidence, "m-0-rescue.conf line 2 (options): selinux=0"));
	mac_free(m);
	boot_cmdline_done(&b);

	/* grubenv's kernelopts alone (no entries) */
	{
		_cleanup_free_ char *dir = tl_path(root, "boot/loader");
		tl_rmtree(dir);
	}
	tl_write(root, "boot/grub2/grubenv", "kernelopts=ro enforcing=0\n", 0644);
	tl_write(root, "etc/selinux/config", "SELINUX=enforcing\n", 0644);
	m = load(&b);
	ck_assert_int_eq(m->mode, SELINUX_PERMISSIVE);
	mac_free(m);
	boot_cmdline_done(&b);
}
END_TEST

START_TEST(mac_ports_local)
{
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/selinux", 0755);
	tl_mkdir(root, "srv", 0755);
	tl_mkdir(root, "srv/store", 0755);
	tl_mkdir(root, "srv/store/targeted", 0755);
	tl_mkdir(root, "srv/store/targeted/active", 0755);
	tl_write(root, "etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n", 0644);
	tl_write(root, "etc/selinux/semanage.conf", "module-store = direct\nstore-root = /srv/store\n", 0644);
	tl_write(root, "srv/store/targeted/active/ports.local",
		 "portcon tcp 2222 system_u:object_r:ssh_port_t:s0\n"
		 "portcon tcp 3000-3010 system_u:object_r:ssh_port_t:s0\n"
		 "portcon udp 2223 system_u:object_r:ssh_port_t:s0\n"
		 "portcon tcp 8080 system_u:object_r:http_port_t:s0\n"
		 "portcon tcp 2224 system_u:object_r:ssh_port_t_not:s0\n"
		 "portcon tcp 99999 system_u:object_r:ssh_port_t:s0\n",
		 0644);

	struct boot_cmdline b = {0};
	struct mac_state *m = load(&b);
	const char *where = NULL;
	ck_assert_str_eq(m->store_ports, "/srv/store/targeted/active/ports.local");
	ck_assert(mac_selinux_port_has_type(m, true, 22, "ssh_port_t", &where));
	ck_assert_str_eq(where, "base policy");
	ck_assert(mac_selinux_port_has_type(m, true, 2222, "ssh_port_t", &where));
	ck_assert_str_eq(where, "/srv/store/targeted/active/ports.local line 1");
	ck_assert(mac_selinux_port_has_type(m, true, 3005, "ssh_port_t", &where));
	ck_assert(!mac_selinux_port_has_type(m, true, 2223, "ssh_port_t", &where));
	ck_assert(!mac_selinux_port_has_type(m, true, 8080, "ssh_port_t", &where));
	ck_assert(!mac_selinux_port_has_type(m, true, 2224, "ssh_port_t", &where));
	mac_free(m);
	boot_cmdline_done(&b);
}
END_TEST

static const char *const sshd_programs[] = { "/usr/sbin/sshd", "/usr/lib/openssh/sshd-session", NULL };

static int count_header(const char *attach, unsigned line, bool complain, bool other, void *userdata)
{
	struct buf *b = userdata;

	buf_printf(b, "%s@%u%s%s;", attach, line, complain ? ":complain" : "", other ? ":other" : "");
	return 0;
}

START_TEST(mac_apparmor_headers_and_glob)
{
	static const char text[] = "#include <tunables/global>\n"
				   "abi <abi/3.0>,\n"
				   "/usr/sbin/sshd flags=(attach_disconnected, complain) {\n"
				   "  /etc/{a,b} r,\n"
				   "  ^privsep {\n  }\n"
				   "}\n"
				   "profile sshd-session /usr/lib/openssh/sshd-{session,auth} {\n}\n"
				   "profile /usr/sbin/sshd flags=(kill) {\n}\n"
				   "profile other /usr/bin/ssh {\n}\n"
				   "\"/usr/sbin/sshd\" {   # quoted\n}\n";
	struct buf b = {0};

	ck_assert_int_eq(mac_apparmor_headers(text, sizeof(text) - 1, sshd_programs, count_header, &b), 0);
	ck_assert_str_eq(b.data, "/usr/sbin/sshd@3:complain;/usr/lib/openssh/sshd-{session,auth}@8;/usr/sbin/sshd@10:other;"
				 "/usr/sbin/sshd@14;");
	buf_done(&b);

	ck_assert(mac_apparmor_glob("/usr/sbin/sshd", "/usr/sbin/sshd"));
	ck_assert(mac_apparmor_glob("/usr/{s,}bin/ssh*", "/usr/sbin/sshd"));
	ck_assert(!mac_apparmor_glob("/usr/*", "/usr/sbin/sshd"));
	ck_assert(mac_apparmor_glob("/usr/**", "/usr/sbin/sshd"));
	ck_assert(mac_apparmor_glob("@{sbin}/sshd", "/usr/sbin/sshd"));
	ck_assert(mac_apparmor_glob("/usr/sbin/ss[a-h]d", "/usr/sbin/sshd"));
	ck_assert(!mac_apparmor_glob("/usr/sbin/ss[^h]d", "/usr/sbin/sshd"));
	/* a hostile pattern returns */
	_cleanup_free_ char *p = malloc(4096);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < 4095; i++)
		p[i] = i % 2 ? '*' : '{';
	p[4095] = '\0';
	(void) mac_apparmor_glob(p, "/usr/sbin/sshd");
	for (size_t i = 0; i < 4094; i++)
		p[i] = i % 2 ? 's' : '*';
	p[4094] = 'x';
	ck_assert(!mac_apparmor_glob(p, "/ssssssssssssssssssssssssssssssssssssssssssssssssss"));
}
END_TEST

START_TEST(mac_load_apparmor_profiles)
{
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/apparmor.d", 0755);
	tl_mkdir(root, "etc/apparmor.d/disable", 0755);
	tl_mkdir(root, "etc/apparmor.d/force-complain", 0755);
	tl_mkdir(root, "etc/apparmor.d/local", 0755);
	tl_mkdir(root, "etc/default", 0755);
	tl_write(root, "etc/apparmor.d/usr.sbin.sshd", "/usr/sbin/sshd {\n}\n", 0644);
	tl_write(root, "etc/apparmor.d/sshd-session", "profile s /usr/lib/openssh/sshd-session flags=(complain) {\n}\n",
		 0644);
	tl_write(root, "etc/apparmor.d/usr.sbin.sshd.dpkg-old", "/usr/sbin/sshd {\n}\n", 0644);
	tl_write(root, "etc/apparmor.d/local/usr.sbin.sshd", "/usr/sbin/sshd {\n}\n", 0644);

	struct boot_cmdline b = {0};
	struct mac_state *m = load(&b);
	ck_assert(m->apparmor_installed);
	ck_assert(m->apparmor_enabled);
	ck_assert_uint_eq(m->n_profiles, 2);
	ck_assert_str_eq(m->profiles[0].file, "/etc/apparmor.d/sshd-session");
	ck_assert_int_eq(m->profiles[0].mode, AA_COMPLAIN);
	ck_assert_str_eq(m->profiles[1].file, "/etc/apparmor.d/usr.sbin.sshd");
	ck_assert_int_eq(m->profiles[1].mode, AA_ENFORCE);
	mac_free(m);
	boot_cmdline_done(&b);

	tl_symlink(root, "etc/apparmor.d/disable/usr.sbin.sshd", "/etc/apparmor.d/usr.sbin.sshd");
	tl_symlink(root, "etc/apparmor.d/force-complain/sshd-session", "/etc/apparmor.d/sshd-session");
	tl_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"apparmor=0\"\n", 0644);
	m = load(&b);
	ck_assert(!m->apparmor_enabled);
	ck_assert(evidence_has(m->apparmor_evidence, "apparmor=0"));
	ck_assert_int_eq(m->profiles[0].mode, AA_COMPLAIN);
	ck_assert_str_eq(m->profiles[0].why, "/etc/apparmor.d/force-complain/sshd-session");
	ck_assert_int_eq(m->profiles[1].mode, AA_DISABLED);
	mac_free(m);
	boot_cmdline_done(&b);
}
END_TEST

START_TEST(mac_read_label_any_length)
{
	_cleanup_free_ char *p = tl_path(root, "f");
	tl_write(root, "f", "x", 0644);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	char *v = NULL;
	size_t n = 0;

	ck_assert_int_ge(fd, 0);
	int r = mac_read_label(fd, &v, &n);
	ck_assert_msg(r == -ENODATA || r == 0, "unlabelled: %d", r);
	free(v);
	v = NULL;
	/* Labels longer than any fixed buffer the old readers had (512, 1024 bytes);
	 * ext4 keeps up to a block's worth, tmpfs all 64 KiB. */
	static const size_t sizes[] = { 30, 1500, 4000, 60000 };
	size_t last = 0;
	for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
		_cleanup_free_ char *label = malloc(sizes[i]);
		ck_assert_ptr_nonnull(label);
		memset(label, 'a', sizes[i] - 1);
		memcpy(label, "system_u:object_r:ssh_home_t:s0:", 32 < sizes[i] ? 32 : sizes[i] - 1);
		label[sizes[i] - 1] = '\0';
		if (fsetxattr(fd, "security.selinux", label, sizes[i], 0) < 0) {
			/* not root, no security xattrs here, or too long for this file system */
			ck_assert_msg(errno == EPERM || errno == ENOTSUP || errno == ENOSPC || errno == E2BIG, "%m");
			continue;
		}
		ck_assert_int_eq(mac_read_label(fd, &v, &n), 0);
		ck_assert_uint_eq(n, sizes[i]);
		ck_assert_mem_eq(v, label, sizes[i]);
		ck_assert_int_eq(v[n], '\0');
		free(v);
		v = NULL;
		last = sizes[i];
	}
	if (last == 0) {
		close(fd);
		return;
	}
	/* Through an O_PATH fd as well. */
	int pfd = open(p, O_PATH | O_CLOEXEC);
	ck_assert_int_ge(pfd, 0);
	ck_assert_int_eq(mac_read_label(pfd, &v, &n), 0);
	ck_assert_uint_eq(n, last);
	free(v);
	close(pfd);
	close(fd);
}
END_TEST

/* fstab's NFS and SMB mounts, as libmount reads them; the innermost mount a path lies on. */
START_TEST(netmounts_from_fstab)
{
	char *dir = tl_mkdtemp();
	struct target *tg = NULL;
	const struct netmounts *l;

	tl_mkdir(dir, "etc", 0755);
	tl_write(dir, "etc/fstab",
		 "# comment\nUUID=x / ext4 defaults 0 1\nfiler:/home /home/ nfs4 defaults 0 0\n"
		 "filer:/deep /home/deep nfs defaults 0 0\n//srv/k /srv/smb\\040keys cifs guest 0 0\n"
		 "tmpfs /tmp tmpfs defaults 0 0\nbroken-line\n", 0644);
	ck_assert_int_eq(target_new(dir, &tg), 0);
	struct run run = { .target = tg };
	ck_assert_int_eq(netmounts_get(&run, &l), 0);
	ck_assert_uint_eq(l->n, 3);
	ck_assert_str_eq(l->v[0].where, "/home");	/* "/home/" is /home */
	ck_assert_int_eq(l->v[0].kind, NETMOUNT_NFS);
	ck_assert_str_eq(l->v[2].where, "/srv/smb keys");
	ck_assert_int_eq(l->v[2].kind, NETMOUNT_SMB);
	ck_assert_str_eq(netmount_of(l, "/home/alice/.ssh")->source, "filer:/home");
	ck_assert_str_eq(netmount_of(l, "/home/deep/x")->source, "filer:/deep");
	ck_assert_str_eq(netmount_of(l, "/home")->source, "filer:/home");
	ck_assert_ptr_null(netmount_of(l, "/homes/alice"));
	ck_assert_ptr_null(netmount_of(l, "/srv/smb"));
	ck_assert_ptr_nonnull(netmount_of(l, "/srv/smb keys/bob"));
	model_done(&run.model);
	target_free(tg);
	tl_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *mac_suite(void)
{
	Suite *s = suite_create("mac");
	TCase *tc = tcase_create("mac");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, mac_parse_selinux_config_modes);
	tcase_add_test(tc, boot_cmdline_last_one_wins);
	tcase_add_test(tc, boot_shell_assignment_quoting);
	tcase_add_test(tc, boot_grubenv_and_bls);
	tcase_add_test(tc, mac_load_grub_selinux_off);
	tcase_add_test(tc, mac_load_bls_kernelopts);
	tcase_add_test(tc, mac_ports_local);
	tcase_add_test(tc, mac_apparmor_headers_and_glob);
	tcase_add_test(tc, mac_load_apparmor_profiles);
	tcase_add_test(tc, mac_read_label_any_length);
	tcase_add_test(tc, netmounts_from_fstab);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mac_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
