/* host.h: the '!' world: the session, host commands, host builtins, host globbing. */
#ifndef DOSH_HOST_H
#define DOSH_HOST_H

#include "shell.h"

/* host_exec_simple - run "!cmd args" (a host builtin or a host program). Returns: its status. */
int host_exec_simple(struct shell *sh, struct node *n);
/* host_is_lone_command - @n is a single host command (for "!cmd &"). */
int host_is_lone_command(const struct node *n);
/* host_exec_background - start "!cmd &" on the host as a job. Returns: 0 or 1. */
int host_exec_background(struct shell *sh, struct node *n);
/* host_disconnect - drop the session (at exit). */
void host_disconnect(struct shell *sh);

#endif
