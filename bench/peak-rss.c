/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * peak-rss REPORT COMMAND [ARG...]: run COMMAND and write to the file REPORT,
 * measured from outside, the peak resident set size of the command itself
 * and of every program it runs.
 *
 * GNU time's %M (wait4()'s ru_maxrss) is the largest of the process and
 * every descendant it waited for: for sshfix, that is the target's sshd it
 * runs in the sandbox.  Here every process of the tree is traced
 * (PTRACE_O_TRACEFORK/VFORK/CLONE/EXEC/EXIT) and stopped just before it
 * exits, while its memory is still mapped, to read VmHWM from
 * /proc/PID/status: the command's own peak, and per program name (comm
 * after exec) the largest peak and the number of times it was executed.
 *
 * The report, one fact per line (the command keeps stdin, stdout, stderr):
 *   self KIB              the command's own VmHWM
 *   prog NAME KIB COUNT   a program the tree executed: largest VmHWM, runs
 *   exit STATUS           the command's exit status (128+N for signal N)
 * Needs ptrace permission over the command (root here).  Exit 0, or 2 on
 * a usage or tracing error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PIDS 4096
#define MAX_PROGS 64

struct prog {
	char name[32];
	long hwm_kib;
	unsigned execs;
};

static pid_t seen[MAX_PIDS];
static size_t n_seen;
static pid_t execed[MAX_PIDS];
static size_t n_execed;
static struct prog progs[MAX_PROGS];
static size_t n_progs;

static int in(const pid_t *v, size_t n, pid_t p)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == p)
			return 1;
	return 0;
}

static void add(pid_t *v, size_t *n, pid_t p)
{
	if (*n < MAX_PIDS && !in(v, *n, p))
		v[(*n)++] = p;
}

static struct prog *prog_of(const char *name)
{
	for (size_t i = 0; i < n_progs; i++)
		if (strcmp(progs[i].name, name) == 0)
			return &progs[i];
	if (n_progs == MAX_PROGS)
		return NULL;
	snprintf(progs[n_progs].name, sizeof(progs[n_progs].name), "%s", name);
	return &progs[n_progs++];
}

/* Name: and VmHWM: of /proc/PID/status. */
static int status_of(pid_t pid, char *name, size_t n, long *hwm_kib)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	*hwm_kib = -1;
	name[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Name:", 5) == 0) {
			char *s = line + 5 + strspn(line + 5, " \t");
			s[strcspn(s, "\n")] = '\0';
			snprintf(name, n, "%s", s);
		} else if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm_kib = strtol(line + 6, NULL, 10);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	pid_t child;
	int st, exit_status = -1;
	long self_kib = -1;
	FILE *report;

	if (argc < 3) {
		fprintf(stderr, "usage: peak-rss REPORT COMMAND [ARG...]\n");
		return 2;
	}
	report = fopen(argv[1], "we");
	if (!report)
		return perror(argv[1]), 2;
	child = fork();
	if (child < 0)
		return perror("fork"), 2;
	if (child == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(127);
		raise(SIGSTOP);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (waitpid(child, &st, 0) < 0 || !WIFSTOPPED(st))
		return fprintf(stderr, "peak-rss: the child did not stop\n"), 2;
	if (ptrace(PTRACE_SETOPTIONS, child, NULL,
		   (void *) (long) (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
				    PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)) < 0)
		return perror("peak-rss: PTRACE_SETOPTIONS"), 2;
	add(seen, &n_seen, child);
	ptrace(PTRACE_CONT, child, NULL, NULL);

	for (;;) {
		pid_t pid = waitpid(-1, &st, __WALL);
		int sig = 0;

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;	/* ECHILD: every traced process is gone */
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (pid == child)
				exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		unsigned event = (unsigned) st >> 16;
		if (event == PTRACE_EVENT_EXIT) {
			char name[32];
			long kib;
			if (status_of(pid, name, sizeof(name), &kib) == 0) {
				if (pid == child)
					self_kib = kib;
				else if (in(execed, n_execed, pid)) {
					struct prog *p = prog_of(name);
					if (p && kib > p->hwm_kib)
						p->hwm_kib = kib;
				}
			}
		} else if (event == PTRACE_EVENT_EXEC) {
			char name[32];
			long kib;
			if (pid != child) {
				add(execed, &n_execed, pid);
				if (status_of(pid, name, sizeof(name), &kib) == 0) {
					struct prog *p = prog_of(name);
					if (p)
						p->execs++;
				}
			}
		} else if (event == 0) {
			sig = WSTOPSIG(st);
			/* The first stop of a new tracee is the SIGSTOP of its attach: swallow it. */
			if (sig == SIGSTOP && !in(seen, n_seen, pid)) {
				add(seen, &n_seen, pid);
				sig = 0;
			} else if (sig == SIGTRAP)
				sig = 0;
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *) (long) sig);
	}
	fprintf(report, "self %ld\n", self_kib);
	for (size_t i = 0; i < n_progs; i++)
		fprintf(report, "prog %s %ld %u\n", progs[i].name, progs[i].hwm_kib, progs[i].execs);
	fprintf(report, "exit %d\n", exit_status);
	return fclose(report) == 0 ? 0 : 2;
}
