package awstest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"golang.org/x/sync/errgroup"
)

// QueueDriver plays the part of Lambda's SQS event source mapping with
// concurrency: it polls a queue and hands each batch of messages to one of
// Concurrency execution environments (Lambda binaries under the emulator,
// one invocation at a time each), as events.SQSEvent. After an invocation
// it deletes the messages the function did not list in BatchItemFailures;
// on an invocation error (the function crashed, timed out or was killed)
// it deletes none and replaces the environment by a fresh one, as Lambda
// does. Messages left on the queue come back after their visibility
// timeout with a higher ApproximateReceiveCount, which the event carries;
// past MaxReceives a message is deleted instead of delivered, as a
// redrive policy moves it to the dead-letter queue.
//
// Run stops once nothing is running and the queue has held no message
// (visible, in flight or delayed) for Quiet.
type QueueDriver struct {
	SQS      *sqs.Client
	QueueURL string
	// QueueARN goes into the events; empty: read from the queue.
	QueueARN string
	// Start starts one execution environment (e.g. StartLambda of a
	// bootstrap with its environment); Run stops the ones it started.
	Start func(ctx context.Context) (*Lambda, error)
	// Concurrency is the number of environments, invoked in parallel
	// (default 1).
	Concurrency int
	// BatchSize is the most messages in one event, 1 to 10 (default 1).
	BatchSize int
	// VisibilityTimeout in seconds of the received messages: how long a
	// failed message waits before it is delivered again; 0: the queue's.
	VisibilityTimeout int
	// MaxReceives is the redrive policy's maxReceiveCount; 0: none.
	MaxReceives int
	// Quiet is how long the queue must stay empty with nothing running
	// before Run returns (default 2 s).
	Quiet time.Duration
	// PollInterval is the wait after an empty receive (default 50 ms).
	PollInterval time.Duration
	// BeforeInvoke, when set, is called before each invocation with the
	// event and the environment about to take it (fault injection: a test
	// may Kill it, at once or later).
	BeforeInvoke func(ev events.SQSEvent, l *Lambda)
}

// Invocation is one event handed to an environment.
type Invocation struct {
	Worker        int      // which environment slot, 0..Concurrency-1
	MessageIDs    []string // the messages of the event, in order
	ReceiveCounts []int    // their ApproximateReceiveCount
	Start         time.Time
	Duration      time.Duration
	Failed        []string // the BatchItemFailures the function returned
	Err           error    // the invocation failed as a whole
}

// DriveResult is what Run saw.
type DriveResult struct {
	Invocations []Invocation // in the order they ended
	// DeadLetters are the ids of the messages deleted after MaxReceives
	// receives.
	DeadLetters []string
	Started     time.Time // Run's start
	LastEnd     time.Time // the end of the last invocation (Started if none)
}

// Wall is the time from Run's start to the end of the last invocation.
func (r DriveResult) Wall() time.Duration { return r.LastEnd.Sub(r.Started) }

// Longest returns the longest invocation (the zero Invocation if none).
func (r DriveResult) Longest() Invocation {
	var out Invocation
	for _, inv := range r.Invocations {
		if inv.Duration > out.Duration {
			out = inv
		}
	}
	return out
}

// Errors counts the invocations that failed as a whole.
func (r DriveResult) Errors() int {
	n := 0
	for _, inv := range r.Invocations {
		if inv.Err != nil {
			n++
		}
	}
	return n
}

// driveState is what Run's workers share.
type driveState struct {
	mu      sync.Mutex
	running int
	res     DriveResult
}

// Run drives the queue until it is quiet (see QueueDriver) or ctx ends.
// An error to poll or delete ends the run; function errors do not (they
// are in the result).
func (d *QueueDriver) Run(ctx context.Context) (DriveResult, error) {
	if d.Start == nil || d.SQS == nil || d.QueueURL == "" {
		return DriveResult{}, errors.New("queue driver: SQS, QueueURL and Start are required")
	}
	k := max(d.Concurrency, 1)
	batch := d.BatchSize
	if batch == 0 {
		batch = 1
	}
	if batch < 1 || batch > 10 {
		return DriveResult{}, fmt.Errorf("queue driver: batch size %d is not from 1 to 10", batch)
	}
	arn := d.QueueARN
	if arn == "" {
		out, err := d.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(d.QueueURL),
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
		if err != nil {
			return DriveResult{}, fmt.Errorf("queue driver: %w", err)
		}
		arn = out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
	}
	envs := make([]*Lambda, k)
	defer func() {
		for _, l := range envs {
			if l != nil {
				l.Stop()
			}
		}
	}()
	starts, sctx := errgroup.WithContext(ctx)
	for i := range envs {
		starts.Go(func() error {
			l, err := d.Start(sctx)
			envs[i] = l
			return err
		})
	}
	if err := starts.Wait(); err != nil {
		return DriveResult{}, fmt.Errorf("queue driver: start an environment: %w", err)
	}
	st := &driveState{res: DriveResult{Started: time.Now()}}
	st.res.LastEnd = st.res.Started
	pollCtx, stop := context.WithCancel(ctx)
	defer stop()
	g, gctx := errgroup.WithContext(pollCtx)
	g.Go(func() error { return d.watch(gctx, st, stop) })
	for i := range envs {
		g.Go(func() error { return d.work(ctx, gctx, st, i, &envs[i], int32(batch), arn) }) //nolint:gosec // G115: 1..10
	}
	err := g.Wait()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return st.res, err
}

// watch cancels the run once nothing has run and the queue has been empty
// for Quiet.
func (d *QueueDriver) watch(ctx context.Context, st *driveState, stop context.CancelFunc) error {
	quiet := d.Quiet
	if quiet <= 0 {
		quiet = 2 * time.Second
	}
	var emptySince time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(d.pollInterval()):
		}
		st.mu.Lock()
		running := st.running
		st.mu.Unlock()
		empty := false
		if running == 0 {
			n, err := d.pending(ctx)
			if err != nil {
				return unlessDone(ctx, err)
			}
			empty = n == 0
		}
		switch {
		case !empty:
			emptySince = time.Time{}
		case emptySince.IsZero():
			emptySince = time.Now()
		case time.Since(emptySince) >= quiet:
			stop()
			return nil
		}
	}
}

// pending is the number of messages on the queue: visible, in flight or
// delayed.
func (d *QueueDriver) pending(ctx context.Context) (int, error) {
	out, err := d.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(d.QueueURL),
		AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameApproximateNumberOfMessages,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed,
		}})
	if err != nil {
		return 0, fmt.Errorf("queue driver: queue attributes: %w", err)
	}
	n := 0
	for _, v := range out.Attributes {
		c, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("queue driver: queue attribute %q: %w", v, err)
		}
		n += c
	}
	return n, nil
}

// unlessDone is err, or nil when ctx has ended (polling was stopped, and
// the request with it).
func unlessDone(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil //nolint:nilerr // the error is the cancellation's, which is how a run ends
	}
	return err
}

func (d *QueueDriver) pollInterval() time.Duration {
	if d.PollInterval > 0 {
		return d.PollInterval
	}
	return 50 * time.Millisecond
}

// work is one environment's loop: receive a batch, invoke, settle the
// messages. Polling stops with pollCtx; an invocation runs under ctx, so
// that the end of polling does not cut one short.
func (d *QueueDriver) work(ctx, pollCtx context.Context, st *driveState, worker int, env **Lambda, batch int32, arn string) error {
	for pollCtx.Err() == nil {
		in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(d.QueueURL), MaxNumberOfMessages: batch,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}}
		if d.VisibilityTimeout > 0 {
			in.VisibilityTimeout = int32(d.VisibilityTimeout) //nolint:gosec // G115: seconds, at most 12 hours
		}
		out, err := d.SQS.ReceiveMessage(pollCtx, in)
		if err != nil {
			return unlessDone(pollCtx, fmt.Errorf("queue driver: receive: %w", err))
		}
		if len(out.Messages) == 0 {
			select {
			case <-pollCtx.Done():
			case <-time.After(d.pollInterval()):
			}
			continue
		}
		st.mu.Lock()
		st.running++
		st.mu.Unlock()
		err = d.deliver(ctx, st, worker, env, out.Messages, arn)
		st.mu.Lock()
		st.running--
		st.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// deliver hands one received batch to the environment (dead letters
// aside) and deletes what succeeded.
func (d *QueueDriver) deliver(ctx context.Context, st *driveState, worker int, env **Lambda, msgs []sqstypes.Message, arn string) error {
	var ev events.SQSEvent
	inv := Invocation{Worker: worker}
	for _, m := range msgs {
		count, _ := strconv.Atoi(m.Attributes[string(sqstypes.MessageSystemAttributeNameApproximateReceiveCount)])
		if d.MaxReceives > 0 && count > d.MaxReceives {
			if err := d.delete(ctx, []string{aws.ToString(m.ReceiptHandle)}); err != nil {
				return err
			}
			st.mu.Lock()
			st.res.DeadLetters = append(st.res.DeadLetters, aws.ToString(m.MessageId))
			st.mu.Unlock()
			continue
		}
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
			Md5OfBody: aws.ToString(m.MD5OfBody), Attributes: m.Attributes, EventSource: "aws:sqs",
			EventSourceARN: arn, AWSRegion: Region,
		})
		inv.MessageIDs = append(inv.MessageIDs, aws.ToString(m.MessageId))
		inv.ReceiveCounts = append(inv.ReceiveCounts, count)
	}
	if len(ev.Records) == 0 {
		return nil
	}
	if *env == nil { // replaced after a failed invocation
		l, err := d.Start(ctx)
		if err != nil {
			return fmt.Errorf("queue driver: start an environment: %w", err)
		}
		*env = l
	}
	if d.BeforeInvoke != nil {
		d.BeforeInvoke(ev, *env)
	}
	var resp events.SQSEventResponse
	inv.Start = time.Now()
	inv.Err = (*env).Invoke(ctx, ev, &resp)
	inv.Duration = time.Since(inv.Start)
	if inv.Err != nil {
		(*env).Stop()
		*env = nil
	} else {
		failed := map[string]bool{}
		for _, f := range resp.BatchItemFailures {
			failed[f.ItemIdentifier] = true
			inv.Failed = append(inv.Failed, f.ItemIdentifier)
		}
		var done []string
		for _, r := range ev.Records {
			if !failed[r.MessageId] {
				done = append(done, r.ReceiptHandle)
			}
		}
		if err := d.delete(ctx, done); err != nil {
			return err
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.res.Invocations = append(st.res.Invocations, inv)
	if end := inv.Start.Add(inv.Duration); end.After(st.res.LastEnd) {
		st.res.LastEnd = end
	}
	return nil
}

// delete removes messages by receipt handle, in one request.
func (d *QueueDriver) delete(ctx context.Context, handles []string) error {
	if len(handles) == 0 {
		return nil
	}
	entries := make([]sqstypes.DeleteMessageBatchRequestEntry, len(handles))
	for i, h := range handles {
		entries[i] = sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(h)}
	}
	out, err := d.SQS.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(d.QueueURL), Entries: entries})
	if err != nil {
		return fmt.Errorf("queue driver: delete: %w", err)
	}
	if len(out.Failed) > 0 {
		return fmt.Errorf("queue driver: delete: %s: %s", aws.ToString(out.Failed[0].Code), aws.ToString(out.Failed[0].Message))
	}
	return nil
}
