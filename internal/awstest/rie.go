package awstest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrNoRIE is returned when the Runtime Interface Emulator is not built.
var ErrNoRIE = errors.New("aws-lambda-rie is not installed: run scripts/rie.sh (make test-aws does)")

// RIEBinary returns the path of aws-lambda-rie under .cache/bin, or ErrNoRIE.
func RIEBinary() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, ".cache", "bin", "aws-lambda-rie")
	if _, err := os.Stat(p); err != nil {
		return "", ErrNoRIE
	}
	return p, nil
}

// BuildLambda builds lambdas/<name> as a stripped bootstrap binary for the
// host (the CDK bundles the same package for linux/arm64) with the
// lambda.norpc tag, into dir/<name>/bootstrap, and returns its path.
func BuildLambda(ctx context.Context, name, dir string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, name, "bootstrap")
	cmd := GoBuildCommand(ctx, root, out, "./lambdas/"+name)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build lambdas/%s: %w: %s", name, err, b)
	}
	return out, nil
}

// GoBuildCommand returns the go build command of a Lambda package as the
// CDK bundles it (lambda.norpc, stripped, trimmed paths, no cgo), run in
// root, writing out, with extra environment (GOOS=..., GOARCH=...).
func GoBuildCommand(ctx context.Context, root, out, pkg string, env ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", out, pkg) //nolint:gosec // G204: builds the project's own packages
	cmd.Dir = root
	cmd.Env = append(append(os.Environ(), "CGO_ENABLED=0"), env...)
	return cmd
}

// Lambda is one bootstrap binary running under the Runtime Interface
// Emulator on loopback. The emulator starts the binary at the first
// invocation, as Lambda does on a cold start.
type Lambda struct {
	// URL is the emulator's invocation endpoint.
	URL     string
	Started time.Time
	// Startup is how long the emulator took from its start to listening
	// (StartLambda then waits settle more before it returns).
	Startup   time.Duration
	cmd       *exec.Cmd
	log       *syncBuffer
	done      chan struct{}
	stopOnce  sync.Once
	invokeMu  sync.Mutex // one execution environment runs one invocation at a time
	bootstrap string
}

// StartLambda runs bootstrap under the emulator with env added to this
// process's environment, on free loopback ports. A port found free can be
// taken by another process (another emulator of a parallel test) before
// the emulator binds it; the emulator then exits at once, and StartLambda
// starts it again on other ports.
func StartLambda(ctx context.Context, bootstrap string, env []string) (*Lambda, error) {
	const attempts = 5
	for i := 1; ; i++ {
		l, err := startLambda(ctx, bootstrap, env)
		if err == nil || !errors.Is(err, errPortTaken) || i == attempts {
			return l, err
		}
	}
}

// errPortTaken is an emulator that exited because a port was in use.
var errPortTaken = errors.New("emulator port taken")

// settle is how long a started emulator must stay up after its port
// answers: one that lost its port to another process exits within it
// (the answering listener was the other process's).
const settle = 150 * time.Millisecond

func startLambda(ctx context.Context, bootstrap string, env []string) (*Lambda, error) {
	rie, err := RIEBinary()
	if err != nil {
		return nil, err
	}
	invokePort, err := FreePort()
	if err != nil {
		return nil, err
	}
	apiPort, err := FreePort()
	if err != nil {
		return nil, err
	}
	l := &Lambda{
		URL:       fmt.Sprintf("http://127.0.0.1:%d/2015-03-31/functions/function/invocations", invokePort),
		log:       &syncBuffer{},
		done:      make(chan struct{}),
		bootstrap: bootstrap,
	}
	l.cmd = exec.Command(rie, "--log-level", "error", //nolint:gosec,noctx // G204: the emulator from the project cache runs a binary the tests built; it outlives ctx
		"--runtime-interface-emulator-address", "127.0.0.1:"+strconv.Itoa(invokePort),
		"--runtime-api-address", "127.0.0.1:"+strconv.Itoa(apiPort),
		bootstrap)
	l.cmd.Dir = filepath.Dir(bootstrap)
	l.cmd.Env = append(append(os.Environ(), "AWS_LAMBDA_FUNCTION_NAME="+filepath.Base(filepath.Dir(bootstrap)),
		"AWS_LAMBDA_FUNCTION_TIMEOUT=120"), env...)
	l.cmd.Stdout = l.log
	l.cmd.Stderr = l.log
	l.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL} // dies with the test binary
	l.Started = time.Now()
	if err := l.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start emulator: %w", err)
	}
	go func() { _ = l.cmd.Wait(); close(l.done) }()
	exited := func() error {
		if strings.Contains(l.log.String(), "address already in use") {
			return fmt.Errorf("%w: %s", errPortTaken, l.log.String())
		}
		return fmt.Errorf("emulator exited: %s", l.log.String())
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		d := net.Dialer{Timeout: 200 * time.Millisecond}
		c, err := d.DialContext(ctx, "tcp", fmt.Sprintf("127.0.0.1:%d", invokePort))
		if err == nil {
			c.Close()
			l.Startup = time.Since(l.Started)
			select {
			case <-l.done:
				return nil, exited()
			case <-time.After(settle):
				return l, nil
			}
		}
		select {
		case <-l.done:
			return nil, exited()
		case <-ctx.Done():
			l.Stop()
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			l.Stop()
			return nil, fmt.Errorf("emulator did not listen within 20s: %s", l.log.String())
		}
	}
}

// Invoke sends event (marshalled to JSON) and decodes the function's
// response into out (when not nil). A function error comes back as an
// error holding the emulator's answer.
func (l *Lambda) Invoke(ctx context.Context, event, out any) error {
	l.invokeMu.Lock()
	defer l.invokeMu.Unlock()
	body, err := json.Marshal(event)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("invoke %s: %w", l.bootstrap, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" || bytes.Contains(raw, []byte(`"errorType"`)) {
		return fmt.Errorf("invoke %s: status %d: %s", filepath.Base(filepath.Dir(l.bootstrap)), resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// PeakRSS returns the peak resident memory (VmHWM) of the function's
// process, which lives on between invocations as in a warm Lambda.
func (l *Lambda) PeakRSS() (int64, error) {
	want, err := filepath.EvalSymlinks(l.bootstrap)
	if err != nil {
		return 0, err
	}
	for _, pid := range descendants(l.cmd.Process.Pid) {
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil || exe != want {
			continue
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return 0, err
		}
		for line := range strings.SplitSeq(string(status), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, errors.New("the function's process was not found (not started yet?)")
}

// Log returns what the emulator and the function printed so far.
func (l *Lambda) Log() string { return l.log.String() }

// Kill stops the emulator and the function at once (SIGKILL), as a
// Lambda timeout or crash would. The emulator runs the function in a
// session of its own, so its descendants are found through /proc.
func (l *Lambda) Kill() {
	l.stopOnce.Do(func() {
		pids := descendants(l.cmd.Process.Pid)
		_ = syscall.Kill(-l.cmd.Process.Pid, syscall.SIGKILL)
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		<-l.done
	})
}

// descendants returns the pids of every process below pid, from /proc.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut after ')'.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil {
			children[ppid] = append(children[ppid], child)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// Stop ends the emulator and the function.
func (l *Lambda) Stop() {
	l.stopOnce.Do(func() {
		for _, pid := range descendants(l.cmd.Process.Pid) {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
		_ = syscall.Kill(-l.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-l.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-l.cmd.Process.Pid, syscall.SIGKILL)
			<-l.done
		}
	})
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a child's
// stdout and stderr.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
