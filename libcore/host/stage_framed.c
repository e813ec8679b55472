/*
 * The host loops of stages with several outputs (ss-route) or inputs
 * (ss-merge): framed flows, whose requests name the input and whose
 * answers come in pieces that name the output (ecall.h, ecall_msg.h).  As
 * in stage_run.c, the host holds only ciphertext: it moves each input's
 * chunks to the enclave and each piece of the answers to its output.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "err.h"
#include "frame.h"
#include "grow.h"
#include "io.h"
#include "program.h"
#include "route_subscribers.h"
#include "sink.h"
#include "stage.h"
#include "stream.h"
#include "tee.h"

#define BATCH_BYTES	(256 * 1024)	/* chunks per enclave call */

/*
 * Split a framed answer into its pieces: ${fn}(${cookie}, out_index,
 * bytes, len) for each output piece; the input needed next in ${need}.
 */
static int
pieces(const uint8_t * buf, size_t len, size_t nout,
    int (* fn)(void *, size_t, const uint8_t *, size_t), void * cookie,
    uint32_t * need)
{
	struct ss_msg_bytes answer = { buf, len };
	struct ss_msg_piece m;
	int rc;

	*need = SS_ECALL_NEED;
	while ((rc = ss_msg_piece_next(&answer, nout, &m)) == 1) {
		if (m.out_index == SS_ECALL_NEED)
			*need = m.need;
		else if (fn(cookie, m.out_index, m.bytes.p, m.bytes.len))
			return (-1);
	}
	return (rc);
}

/* ss-route: the partitions' destinations. */
struct route {
	const char * template;
	size_t n;
	struct ss_subscribers * subs;	/* --subs: "{}" is an ID */
	struct ss_sink ** sinks;	/* opened at the first answer */
	int live;
	unsigned char * touched;	/* written since the last flush */
};

/* Open every destination: once the enclave has accepted the input. */
static int
route_open(struct route * rt)
{
	const char * id;
	char * dest;
	size_t k, len;

	for (k = 0; k < rt->n; k++) {
		if (rt->subs != NULL) {
			id = ss_subs_id(rt->subs->subs, k, &len);
			dest = ss_stage_expand_name(rt->template, id, len);
		} else
			dest = ss_stage_expand(rt->template, k);
		if (dest == NULL)
			return (-1);
		rt->sinks[k] = ss_sink_open(dest, k);
		free(dest);
		if (rt->sinks[k] == NULL)
			return (-1);
	}
	return (0);
}

static int
route_piece(void * cookie, size_t k, const uint8_t * p, size_t len)
{
	struct route * rt = cookie;

	rt->touched[k] = 1;
	return (ss_sink_write(rt->sinks[k], p, len));
}

static int
route_take(void * cookie, const uint8_t * buf, size_t len)
{
	struct route * rt = cookie;
	uint32_t need;
	size_t k;

	if (rt->sinks[0] == NULL && route_open(rt))
		return (-1);
	if (pieces(buf, len, rt->n, route_piece, rt, &need))
		return (-1);
	/* A live stream: pass on what came at once. */
	for (k = 0; k < rt->n; k++) {
		if (rt->touched[k] && rt->live &&
		    ss_sink_flush(rt->sinks[k]))
			return (-1);
		rt->touched[k] = 0;
	}
	return (0);
}

/* The subscribers of ss-route --subs FILE: output k is subscriber k. */
static struct ss_subscribers *
route_subscribers(const struct ss_stage_opts * o)
{
	struct ss_subs_err err;
	size_t i;

	for (i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i].key, "subs") == 0)
			return (ss_subscribers_parse(o->files[i].data,
			    o->files[i].len, o->files[i].path, &err));
	ss_err_set(SS_EXIT_SYS, "no subscribers file");
	return (NULL);
}

int
ss_stage_run_route(const struct ss_stage_opts * o)
{
	struct route rt;
	const char * bc = ss_program_get(o->program, "broadcast");
	size_t k;
	int rc = -1;

	memset(&rt, 0, sizeof(rt));
	rt.template = o->output;
	if (ss_program_get(o->program, "subs") != NULL) {
		if ((rt.subs = route_subscribers(o)) == NULL)
			return (-1);
		rt.n = rt.subs->n;
	} else
		rt.n = (size_t)strtoul(ss_program_get(o->program, "n"), NULL,
		    10);
	if (rt.template == NULL)
		ss_cli_usage_error("give -o TEMPLATE: where each partition "
		    "goes ('part{}.ss', '|COMMAND')");
	if (strcmp(rt.template, "-") == 0)
		ss_cli_usage_error("-o -: %zu streams cannot share standard "
		    "output (use -o '|cat' to mean it)", rt.n);
	if (rt.n > 1 && rt.template[0] != '|' &&
	    strstr(rt.template, "{}") == NULL)
		ss_cli_usage_error("-o %s: the template needs {} (the "
		    "%s) for %zu files", rt.template, (rt.subs != NULL) ?
		    "subscriber's ID" : "partition's number", rt.n);
	if ((rt.sinks = calloc(rt.n, sizeof(*rt.sinks))) == NULL ||
	    (rt.touched = calloc(rt.n, 1)) == NULL) {
		ss_err_errno("calloc");
		goto done;
	}
	/* A broadcast answer holds n copies: one chunk per call. */
	if (ss_stage_run_to(o, (bc != NULL) ? 1 : BATCH_BYTES, 1, route_take,
	    &rt, &rt.live))
		goto done;
	if (rt.sinks[0] == NULL) {
		ss_err_set(SS_EXIT_SYS, "the enclave gave no output");
		goto done;
	}
	/* Commands first: a failed one leaves no file behind. */
	for (k = 0; k < rt.n; k++)
		if (ss_sink_close(rt.sinks[k]))
			goto done;
	for (k = 0; k < rt.n; k++) {
		rc = ss_sink_commit(rt.sinks[k]);
		rt.sinks[k] = NULL;
		if (rc)
			goto done;
	}
	rc = 0;
done:
	for (k = 0; rt.sinks != NULL && k < rt.n; k++)
		ss_sink_abort(rt.sinks[k]);
	free(rt.sinks);
	free(rt.touched);
	ss_subscribers_free(rt.subs);
	return (rc);
}

/* ss-merge: the input streams. */
struct merge_in {
	const char * name;		/* for messages */
	struct ss_input * in;
	struct ss_stream_reader * r;
	int final;			/* its final chunk was sent */
	int ended;			/* and nothing follows it */
};

struct merge {
	struct merge_in * in;
	size_t n;
	size_t last;			/* round robin over ready inputs */
	struct ss_output * out;
	int live;
	uint8_t * req;			/* a request (ecall_msg.h) */
	size_t reqsize;
	struct pollfd * pfd;
	size_t * pidx;
	int host_failed;		/* next_ready() failed, not the enclave */
	int flush_ms;			/* --flush-ms */
	int unflushed;			/* chunks went in since a flush */
};

/*
 * The enclave names inputs by number ("input K: problem", "... input
 * J"): put their names in the recorded message instead.
 */
static void
name_input(const struct merge * m)
{
	char msg[1024];
	const char * s = ss_err_msg();
	unsigned long k;
	size_t len = 0;
	char * end;
	int n;

	if (m->n == 1 && strncmp(s, "input ", 6) != 0) {
		if (ss_err_status() == SS_EXIT_DATA)
			ss_err_prefix("%s", m->in[0].name);
		return;
	}
	while (*s != '\0' && len < sizeof(msg) - 1) {
		if (strncmp(s, "input ", 6) == 0 && s[6] >= '1' &&
		    s[6] <= '9' && (k = strtoul(s + 6, &end, 10)) >= 1 &&
		    k <= m->n) {
			n = snprintf(msg + len, sizeof(msg) - len, "%s",
			    m->in[k - 1].name);
			if (n < 0 || (size_t)n >= sizeof(msg) - len)
				break;
			len += (size_t)n;
			s = end;
			continue;
		}
		msg[len++] = *s++;
	}
	msg[len] = '\0';
	ss_err_set(ss_err_status(), "%s", msg);
}

static int
merge_piece(void * cookie, size_t k, const uint8_t * p, size_t len)
{
	struct merge * m = cookie;

	(void)k;
	return (ss_output_write(m->out, p, len));
}

/* An answer: its pieces to the output; the input needed next. */
static int
merge_answer(struct merge * m, const uint8_t * buf, size_t len,
    uint32_t * need)
{

	if (pieces(buf, len, 1, merge_piece, m, need))
		return (-1);
	return (m->live ? ss_output_flush(m->out) : 0);
}

static int
merge_take(void * cookie, const uint8_t * buf, size_t len)
{
	uint32_t need;

	return (merge_answer(cookie, buf, len, &need));
}

/*
 * After input ${k}'s final chunk: nothing may follow it.  Return 0 once
 * it has ended.
 */
static int
check_end(struct merge * m, size_t k)
{
	const uint8_t * pt;
	size_t len;

	if (ss_stream_reader_next(m->in[k].r, &pt, &len) != 0) {
		ss_err_prefix("%s", m->in[k].name);
		return (-1);
	}
	m->in[k].ended = 1;
	return (0);
}

/*
 * A request with no chunk, only SS_CHUNK_FLUSH: the live inputs paused
 * for --flush-ms, so the enclave seals the records it holds (stage_run.c).
 */
static size_t
flush_request(struct merge * m)
{

	m->unflushed = 0;
	ss_msg_chunk_put_header(m->req, 1, SS_CHUNK_FLUSH, 0);
	return (SS_MSG_CHUNK_HDR(1));
}

/*
 * The next request for input ${k}: its next chunks, up to ${batch}
 * bytes, while they come at once.  Return 1, 0 if it has ended, -1.
 */
static int
read_chunks(struct merge * m, size_t k, size_t batch, size_t * len)
{
	struct merge_in * mi = &m->in[k];
	const uint8_t * raw, * pt;
	size_t rawlen, ptlen, used = SS_MSG_CHUNK_HDR(1);
	int rc;

	if (mi->final) {
		if (check_end(m, k))
			return (-1);
		return (0);
	}
	for (;;) {
		if ((rc = ss_stream_reader_next(mi->r, &pt, &ptlen)) != 1) {
			/* Before the final chunk: cut short. */
			if (rc == 0)
				ss_err_set(SS_EXIT_DATA, "stream ends before "
				    "its final chunk");
			ss_err_prefix("%s", mi->name);
			return (-1);
		}
		raw = ss_stream_reader_raw(mi->r, &rawlen);
		if (ss_grow(&m->req, &m->reqsize, used + rawlen, 1))
			return (-1);
		memcpy(m->req + used, raw, rawlen);
		used += rawlen;
		if ((raw[0] & 0x80) != 0) {
			mi->final = 1;
			break;
		}
		if (ss_input_idle(mi->in, 0) || used >= batch)
			break;
	}
	/* What the enclave now holds is sealed if the inputs pause. */
	m->unflushed = m->live && m->flush_ms > 0;
	ss_msg_chunk_put_header(m->req, 1, 0, (uint32_t)k);
	*len = used;
	return (1);
}

/*
 * The pipeline's requests without --sorted-by: chunks of whichever input
 * is ready, in turn.
 */
static int
next_ready(void * cookie, uint8_t * slot, size_t slotcap,
    const uint8_t ** req, size_t * len)
{
	struct merge * m = cookie;
	size_t i, k, np;
	int rc, r;

	/* Requests are built in m->req; the pipeline copies them. */
	(void)slot;
	(void)slotcap;

	for (;;) {
		/* Regular files are always ready: take the next in turn. */
		np = 0;
		for (i = 1; i <= m->n; i++) {
			k = (m->last + i) % m->n;
			if (m->in[k].ended)
				continue;
			if (m->in[k].in->is_regular)
				break;
			m->pfd[np].fd = m->in[k].in->fd;
			m->pfd[np].events = POLLIN;
			m->pidx[np++] = k;
		}
		if (i > m->n) {
			if (np == 0)
				return (0);
			/*
			 * Else wait for the first live one to speak; if
			 * none does for --flush-ms, seal what we sent.
			 */
			while ((r = poll(m->pfd, np, m->unflushed ?
			    m->flush_ms : -1)) == -1 && errno == EINTR)
				;
			if (r == -1) {
				ss_err_errno("poll");
				m->host_failed = 1;
				return (-1);
			}
			if (r == 0) {
				*len = flush_request(m);
				*req = m->req;
				return (1);
			}
			for (i = 0; i < np; i++)
				if (m->pfd[i].revents != 0)
					break;
			if (i == np)
				continue;
			k = m->pidx[i];
		}
		m->last = k;
		if ((rc = read_chunks(m, k, BATCH_BYTES, len)) != 0)
			break;
	}
	if (rc == 1)
		*req = m->req;
	else
		m->host_failed = 1;
	return (rc);
}

/* With --sorted-by: the chunks the enclave asks for, one at a time. */
static int
run_sorted(struct merge * m, struct ss_enclave * e, uint32_t need)
{
	const uint8_t * buf;
	size_t k, len;
	int rc;

	for (;;) {
		if (need == SS_ECALL_NEED) {
			/* Nothing in particular: see every input end. */
			for (k = 0; k < m->n && m->in[k].ended; k++)
				;
			if (k == m->n)
				return (0);
		} else if ((k = need) >= m->n || m->in[k].final) {
			ss_err_set(SS_EXIT_SYS, "the enclave asked for more "
			    "of an input that has ended");
			return (-1);
		}
		/* The input it waits for paused: seal what we sent. */
		if (m->unflushed && ss_input_idle(m->in[k].in, m->flush_ms))
			len = flush_request(m);
		else if ((rc = read_chunks(m, k, 1, &len)) == -1)
			return (-1);
		else if (rc == 0)
			continue;
		if (ss_tee_call(e, SS_ECALL_CHUNK, m->req, len, &buf,
		    &len) != 0) {
			name_input(m);
			return (-1);
		}
		if (merge_answer(m, buf, len, &need))
			return (-1);
		/* A final chunk: nothing may follow it. */
		if (m->in[k].final && !m->in[k].ended && check_end(m, k))
			return (-1);
	}
}

int
ss_stage_run_merge(const struct ss_stage_opts * o)
{
	struct ss_enclave * e = NULL;
	struct merge m;
	struct ss_msg_open om;
	const uint8_t * buf;
	size_t k, len;
	uint32_t need = SS_ECALL_NEED;
	int rc = -1;

	memset(&m, 0, sizeof(m));
	m.n = o->ninputs;
	m.last = m.n - 1;	/* input 0 first */
	m.flush_ms = o->flush_ms;
	if ((m.in = calloc(m.n, sizeof(*m.in))) == NULL ||
	    (m.pfd = calloc(m.n, sizeof(*m.pfd))) == NULL ||
	    (m.pidx = calloc(m.n, sizeof(*m.pidx))) == NULL) {
		ss_err_errno("calloc");
		goto done;
	}
	if ((m.out = ss_output_open(o->output, SS_OUTPUT_BINARY)) == NULL)
		goto done;
	for (k = 0; k < m.n; k++) {
		if ((m.in[k].in = ss_input_open(o->inputs[k])) == NULL)
			goto done;
		m.in[k].name = m.in[k].in->name;
		if (!m.in[k].in->is_regular)
			m.live = 1;
	}
	if ((e = ss_stage_start(o)) == NULL)
		goto done;
	/* Every input's header, in order. */
	for (k = 0; k < m.n; k++) {
		if ((m.in[k].r = ss_stream_reader_new(m.in[k].in, NULL)) ==
		    NULL) {
			ss_err_prefix("%s", m.in[k].name);
			goto done;
		}
		om.in_index = (uint32_t)k;
		om.header.p = ss_stream_reader_header(m.in[k].r,
		    &om.header.len);
		if (ss_grow(&m.req, &m.reqsize, SS_MSG_OPEN_HDR(1) +
		    om.header.len, 1))
			goto done;
		if (ss_tee_call(e, SS_ECALL_OPEN, m.req,
		    ss_msg_open_encode(&om, 1, m.req), &buf, &len) != 0) {
			name_input(&m);
			goto done;
		}
		if (merge_answer(&m, buf, len, &need))
			goto done;
	}
	if (ss_program_get(o->program, "sorted-by") != NULL) {
		if (run_sorted(&m, e, need))
			goto done;
	} else if (ss_tee_pipeline(e, SS_ECALL_CHUNK, next_ready, &m,
	    merge_take, &m)) {
		if (!m.host_failed)
			name_input(&m);
		goto done;
	}
	ss_tee_stop(e);
	e = NULL;
	rc = ss_output_commit(m.out);
	m.out = NULL;
done:
	ss_output_abort(m.out);
	ss_tee_stop(e);
	for (k = 0; m.in != NULL && k < m.n; k++) {
		ss_stream_reader_free(m.in[k].r);
		ss_input_close(m.in[k].in);
	}
	free(m.in);
	free(m.pfd);
	free(m.pidx);
	free(m.req);
	return (rc);
}
