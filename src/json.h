/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Just enough JSON writing for --json: strings escaped into valid UTF-8 JSON. */
#pragma once

#include <stdbool.h>

#include "util.h"

/* Append s as a JSON string literal; NULL appends null.  Bytes that are not
 * valid UTF-8 become U+FFFD so the document always parses. */
void json_string(struct buf *b, const char *s);
/* "key": (with a leading comma unless first) */
void json_key(struct buf *b, bool *first, const char *key);
void json_kv_str(struct buf *b, bool *first, const char *key, const char *value);
void json_kv_int(struct buf *b, bool *first, const char *key, long long value);
void json_kv_bool(struct buf *b, bool *first, const char *key, bool value);
