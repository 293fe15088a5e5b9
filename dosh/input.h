/* input.h: where commands come from: files, stdin a line at a time, the terminal. */
#ifndef DOSH_INPUT_H
#define DOSH_INPUT_H

#include "shell.h"

/* input_read_file - the whole of a script, malloc'd; NULL with errno set. */
char *input_read_file(const char *path);
/* input_prompt - print PS1 (or PS2 for a continuation) with its escapes expanded. */
void input_prompt(struct shell *sh, int continuation);
/*
 * input_typeahead - keys typed at a host program that it left unread: cooked as
 * a terminal would (erase, kill, Enter) and kept for dosh's next command lines.
 */
void input_typeahead(struct shell *sh, const char *keys, size_t n);
/* input_loop - read and run commands until end of input. Returns: the last status. */
int input_loop(struct shell *sh);

#endif
