/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The check families (fixes/families.def); each is defined in fixes/<family>.c. */
#pragma once

#include "fix.h"

#define FAMILY(name) extern const struct fix fix_##name;
#include "families.def"
#undef FAMILY
