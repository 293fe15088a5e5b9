/* hostpty.h: a host program at dosh's terminal: on a host pty, stoppable, continued by fg. */
#ifndef DOSH_HOSTPTY_H
#define DOSH_HOSTPTY_H

#include "shell.h"

/* hostpty_wanted - a lone host command with stdio on the terminal of an interactive dosh. */
int hostpty_wanted(struct shell *sh, struct node **cmds, int n);
/* hostpty_run - run it on a host pty. Returns: its status (148 when Ctrl-Z stopped it). */
int hostpty_run(struct shell *sh, struct node *n);
/* hostpty_resume - fg: continue the stopped job @j at the terminal. Returns: its status. */
int hostpty_resume(struct shell *sh, struct job *j);
/* hostpty_free - release what a job kept for its pty. */
void hostpty_free(struct shell *sh, void *state);

#endif
