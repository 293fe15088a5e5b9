/* emit.h: what the emitters share: banners, struct definitions, C signatures and fixed parts. */
#ifndef HCGEN_EMIT_H
#define HCGEN_EMIT_H

#include "ast.h"

/* emit_banner - the comment that opens every generated file. */
void emit_banner(FILE *f, const struct hci_module *m, const char *suffix, const char *what);
/* emit_structs - the .hci structs as C, with _Static_asserts on their layout. */
void emit_structs(FILE *f, const struct hci_module *m);
/* emit_signature - "RET NAME(PARAMS)"; @host: a handle is an int fd. */
void emit_signature(FILE *f, const struct hci_func *fn, const char *prefix, int host);
/* emit_fixed - the fixed part's struct of @fn and the asserts on its size and offsets. */
void emit_fixed(FILE *f, const struct hci_func *fn);
/* param_unit - the bytes of one element a buffer parameter counts. */
uint32_t param_unit(const struct hci_param *p);
/* emit_hash_bytes - the hash as a C initialiser's body. */
void emit_hash_bytes(FILE *f, const struct hci_module *m);
/* module_has_shape - does any parameter of @m have @sh? */
int module_has_shape(const struct hci_module *m, enum hci_shape sh);
/* emit_pair - write DIR/NAME_SIDE.h with @header, then DIR/NAME_SIDE.c with @source. Returns: 0 or -1. */
int emit_pair(const struct hci_module *m, const char *dir, const char *side,
	      void (*header)(FILE *, const struct hci_module *),
	      void (*source)(FILE *, const struct hci_module *));

#endif
