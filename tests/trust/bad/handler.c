/* handler.c: a sample that check-signal-handlers.sh must refuse: handlers calling printf, counting in an int. */
#include <signal.h>
#include <stdio.h>

static int seen, count;

static void on_term(int sig)
{
	seen = sig;
	printf("caught %d\n", sig);
}

static void on_hup(int sig)
{
	(void)sig;
	++count;
}

void install(void)
{
	struct sigaction sa = { .sa_handler = on_term }, hup = { .sa_handler = on_hup };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &hup, NULL);
}
