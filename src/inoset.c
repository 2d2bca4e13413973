/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "inoset.h"

static size_t slot(size_t cap, dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t) ino * 0x9e3779b97f4a7c15ULL) ^ (uint64_t) dev;

	return (size_t) (h ^ (h >> 29)) & (cap - 1);
}

/* Open addressing, linear probing, at most 3/4 full. */
static int grow(struct inoset *s, size_t cap)
{
	struct inoset_id *v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i].ino) {
			size_t k = slot(cap, s->v[i].dev, s->v[i].ino);
			while (v[k].ino)
				k = (k + 1) & (cap - 1);
			v[k] = s->v[i];
		}
	free(s->v);
	s->v = v;
	s->cap = cap;
	return 0;
}

int inoset_init(struct inoset *s, size_t n)
{
	size_t cap = 64;

	*s = (struct inoset) {0};
	while (cap * 3 < (n + 1) * 4)
		cap *= 2;
	return grow(s, cap);
}

int inoset_add(struct inoset *s, dev_t dev, ino_t ino)
{
	size_t k;

	if ((s->n + 1) * 4 > s->cap * 3) {
		int r = grow(s, s->cap ? s->cap * 2 : 64);
		if (r < 0)
			return r;
	}
	for (k = slot(s->cap, dev, ino); s->v[k].ino; k = (k + 1) & (s->cap - 1))
		if (s->v[k].ino == ino && s->v[k].dev == dev)
			return 0;
	s->v[k] = (struct inoset_id) { .dev = dev, .ino = ino };
	s->n++;
	return 1;
}

void inoset_done(struct inoset *s)
{
	free(s->v);
	*s = (struct inoset) {0};
}
