// Package awstest starts the real protocol peers that the AWS adapters are
// tested against: moto_server (DynamoDB, DynamoDB Streams, S3, SQS on one
// port) on a free loopback port, and gives SDK configuration pointing at it.
//
// moto_server is installed by scripts/moto.sh into .cache/moto. Tests that
// need it call Require: when the binary is absent the test is skipped with a
// message naming the command to run, unless AWSTEST_REQUIRED=1 (set by
// make test-aws), in which case it fails.
package awstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// EnvMotoServer names the moto_server binary to use; by default
// .cache/moto/bin/moto_server under the repository root.
const EnvMotoServer = "MOTO_SERVER"

// EnvRequired names the variable that, set to "1", turns a missing peer
// into a test failure instead of a skip.
const EnvRequired = "AWSTEST_REQUIRED"

// Region is the region every client of the tests uses.
const Region = "us-east-1"

// ErrNoMoto is returned by StartMoto when moto_server is not installed.
var ErrNoMoto = errors.New("moto_server is not installed: run scripts/moto.sh (make test-aws does)")

// Moto is a running moto_server.
type Moto struct {
	// Endpoint is http://127.0.0.1:PORT.
	Endpoint string
	cmd      *exec.Cmd
	log      *syncBuffer
	done     chan struct{}
	stopOnce sync.Once
}

// RepoRoot returns the directory holding go.mod, searched upwards from the
// working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// MotoBinary returns the path of moto_server, or ErrNoMoto.
func MotoBinary() (string, error) {
	if p := os.Getenv(EnvMotoServer); p != "" {
		if _, err := os.Stat(p); err != nil { //nolint:gosec // G703: the tester names the binary on purpose
			return "", fmt.Errorf("%s=%s: %w", EnvMotoServer, p, err)
		}
		return p, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, ".cache", "moto", "bin", "moto_server")
	if _, err := os.Stat(p); err != nil {
		return "", ErrNoMoto
	}
	return p, nil
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartMoto starts moto_server on a free loopback port and waits until it
// answers. The caller must Stop it.
func StartMoto(ctx context.Context) (*Moto, error) {
	bin, err := MotoBinary()
	if err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 { // the free port may be taken between probe and bind
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		m, err := startMotoOn(ctx, bin, port)
		if err == nil {
			return m, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startMotoOn(ctx context.Context, bin string, port int) (*Moto, error) {
	log := &syncBuffer{}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port)) //nolint:gosec,noctx // G204: moto_server from the project cache or MOTO_SERVER; it outlives the start-up context
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL} // dies with the test binary
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	m := &Moto{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, log: log, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(m.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-m.done:
			return nil, fmt.Errorf("moto_server exited during start-up: %s", log.String())
		case <-ctx.Done():
			m.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if m.ping(ctx) == nil {
			return m, nil
		}
	}
	m.Stop()
	return nil, fmt.Errorf("moto_server did not answer on %s within 60s", m.Endpoint)
}

func (m *Moto) ping(ctx context.Context) error {
	status, err := m.call(ctx, http.MethodGet, "/moto-api/data.json")
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("status %d", status)
	}
	return err
}

// Reset drops every resource moto holds.
func (m *Moto) Reset(ctx context.Context) error {
	_, err := m.call(ctx, http.MethodPost, "/moto-api/reset")
	return err
}

// call sends a bodiless request to moto's own API and returns the status.
func (m *Moto) call(ctx context.Context, method, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, m.Endpoint+path, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Stop ends moto_server and its children and waits for them.
func (m *Moto) Stop() {
	m.stopOnce.Do(func() {
		if m.cmd.Process != nil {
			_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-m.done:
			case <-time.After(5 * time.Second):
				_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
				<-m.done
			}
		}
	})
}

// Log returns what moto_server printed so far.
func (m *Moto) Log() string { return m.log.String() }

// Config returns an SDK configuration with static test credentials that
// sends every request to moto. S3 clients also need UsePathStyle.
func (m *Moto) Config() aws.Config {
	return Config(m.Endpoint)
}

// Config returns an SDK configuration with static test credentials that
// sends every request to endpoint.
func Config(endpoint string) aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

// EnvFor returns the environment variables that make a Lambda binary's
// default SDK configuration talk to endpoint with test credentials.
func EnvFor(endpoint string) []string {
	return []string{
		"AWS_ENDPOINT_URL=" + endpoint,
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
	}
}

// MainMoto is for TestMain: it starts moto, runs the tests with the running
// server (nil when absent and not required, so that Require skips), stops it
// and returns the exit code.
func MainMoto(m *testing.M, run func(*Moto) int) int {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	srv, err := StartMoto(ctx)
	if err != nil {
		if errors.Is(err, ErrNoMoto) && os.Getenv(EnvRequired) != "1" {
			fmt.Fprintln(os.Stderr, "awstest:", err, "- tests that need moto will be skipped")
			return run(nil)
		}
		fmt.Fprintln(os.Stderr, "awstest:", err)
		return 1
	}
	defer srv.Stop()
	return run(srv)
}

// Require skips (or with AWSTEST_REQUIRED=1 fails) t when srv is nil.
func Require(t testing.TB, srv *Moto) {
	t.Helper()
	if srv != nil {
		return
	}
	if os.Getenv(EnvRequired) == "1" {
		t.Fatal(ErrNoMoto)
	}
	t.Skip(ErrNoMoto.Error())
}

// S3Client returns an S3 client for cfg with path-style addressing, which
// a loopback endpoint needs.
func S3Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// CPUTime returns the CPU time (user + system) that moto_server and its
// live descendants have used so far, from /proc (in clock ticks of 10 ms,
// the kernel's USER_HZ on Linux). moto answers from one Python process
// whose interpreter lock lets it use about one core: a run whose moto CPU
// time is near its wall time was bound by moto, not by its clients.
func (m *Moto) CPUTime() (time.Duration, error) {
	var ticks int64
	for _, pid := range append([]int{m.cmd.Process.Pid}, descendants(m.cmd.Process.Pid)...) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			if pid == m.cmd.Process.Pid {
				return 0, err
			}
			continue // a child that just ended
		}
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		// after "pid (comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 13 {
			continue
		}
		for _, s := range f[11:13] {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
			}
			ticks += n
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}
