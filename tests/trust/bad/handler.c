/* handler.c: a sample that check-signal-handlers.sh must refuse: a handler calling printf. */
#include <signal.h>
#include <stdio.h>

static int seen;

static void on_term(int sig)
{
	seen = sig;
	printf("caught %d\n", sig);
}

void install(void)
{
	struct sigaction sa = { .sa_handler = on_term };

	sigaction(SIGTERM, &sa, NULL);
}
