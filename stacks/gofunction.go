package stacks

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// GoBuilder compiles Go Lambda packages of one module for linux/arm64 on
// this machine (CDK "local bundling": no Docker). It builds each package at
// most once per process, so an app that synthesizes several stages, or a
// test binary that builds the app many times, pays for one build per
// Lambda. Safe for concurrent use.
type GoBuilder struct {
	moduleDir string // absolute path of the folder holding go.mod

	mu    sync.Mutex
	tmp   string            // folder of finished builds, removed by Close
	built map[string]string // package dir -> path of its bootstrap
}

// NewGoBuilder returns a builder for the Go module rooted at moduleDir.
func NewGoBuilder(moduleDir string) (*GoBuilder, error) {
	abs, err := filepath.Abs(moduleDir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, "go.mod")); err != nil {
		return nil, fmt.Errorf("go builder: %s has no go.mod: %w", abs, err)
	}
	return &GoBuilder{moduleDir: abs, built: map[string]string{}}, nil
}

// ModuleDir is the absolute path of the module root.
func (b *GoBuilder) ModuleDir() string { return b.moduleDir }

// Close removes the builder's temporary builds.
func (b *GoBuilder) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.built = map[string]string{}
	if b.tmp == "" {
		return nil
	}
	err := os.RemoveAll(b.tmp)
	b.tmp = ""
	return err
}

// Build compiles the package in dir (relative to the module root, e.g.
// "lambdas/ingest") and returns the path of its bootstrap binary. The build
// command is the one docs/adding-a-lambda.md shows.
func (b *GoBuilder) Build(ctx context.Context, dir string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.built[dir]; ok {
		return p, nil
	}
	if b.tmp == "" {
		tmp, err := os.MkdirTemp("", "catalogsearch-lambda-")
		if err != nil {
			return "", err
		}
		b.tmp = tmp
	}
	out := filepath.Join(b.tmp, strings.ReplaceAll(filepath.ToSlash(dir), "/", "_"), "bootstrap")
	// The command is fixed; dir comes from the stack code, never from input.
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false", //nolint:gosec // G204: see above
		"-ldflags=-s -w", "-o", out, "./"+filepath.ToSlash(filepath.Clean(dir)))
	cmd.Dir = b.moduleDir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./%s for linux/arm64: %w\n%s", dir, err, stderr.String())
	}
	b.built[dir] = out
	return out, nil
}

// localBundling implements awscdk.ILocalBundling: CDK calls TryBundle when
// it stages the asset, and never falls back to Docker because TryBundle
// either succeeds or fails the synth with the compiler's output.
type localBundling struct {
	builder *GoBuilder
	dir     string
	files   map[string]string // name in the bundle -> path of the source file
}

// TryBundle builds the package and copies its bootstrap, and the extra
// files, into outputDir.
func (l *localBundling) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	bin, err := l.builder.Build(context.Background(), l.dir)
	if err != nil {
		// jsii turns the panic into an error of the synth that names the package.
		panic(err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(*outputDir, "bootstrap"), data, 0o755); err != nil { //nolint:gosec // Lambda needs an executable bootstrap
		panic(err)
	}
	for name, src := range l.files {
		data, err := os.ReadFile(src)
		if err != nil {
			panic(fmt.Errorf("bundle %s: %w", l.dir, err))
		}
		if err := os.WriteFile(filepath.Join(*outputDir, name), data, 0o644); err != nil { //nolint:gosec // read by the Lambda's own user
			panic(err)
		}
	}
	return jsii.Bool(true)
}

// LambdaTaskRoot is where Lambda unpacks a function's code
// (LAMBDA_TASK_ROOT): the bundle's files are there at run time.
const LambdaTaskRoot = "/var/task"

// GoFunctionProps configures a GoFunction.
type GoFunctionProps struct {
	Builder     *GoBuilder
	Dir         string // package folder relative to the module root, e.g. "lambdas/ingest"
	Description string
	Sizing      LambdaConfig      // zero: DefaultLambdaSizing
	Environment map[string]string // added to STAGE and LOG_LEVEL
	// Files are copied into the bundle next to bootstrap (name in the
	// bundle, a plain file name -> path of the source file, absolute or
	// relative to the module root); the function finds them under
	// LAMBDA_TASK_ROOT (LambdaTaskRoot). Their content is part of the
	// asset hash, so a changed file deploys new code.
	Files     map[string]string
	Stage     string
	Retention awslogs.RetentionDays
	// DeadLetterQueue receives the events of an asynchronously invoked
	// function whose retries all failed; nil: none.
	DeadLetterQueue awssqs.IQueue
}

// DefaultLambdaSizing sizes a GoFunction whose props give no Sizing: a
// new Lambda needs no StageConfig field until its stages must differ.
func DefaultLambdaSizing() LambdaConfig { return LambdaConfig{MemoryMiB: 256, TimeoutSeconds: 30} }

// GoFunction is a Go Lambda built from one folder of the module: arm64,
// provided.al2023, -tags lambda.norpc, X-Ray tracing, its own log group with
// the stage's retention, reserved concurrency when sized so.
type GoFunction struct {
	constructs.Construct
	Function awslambda.Function
	LogGroup awslogs.LogGroup
}

// NewGoFunction builds the package of props.Dir and defines its Lambda.
func NewGoFunction(scope constructs.Construct, id string, props GoFunctionProps) *GoFunction {
	c := constructs.NewConstruct(scope, jsii.String(id))
	if props.Builder == nil {
		panic(fmt.Sprintf("GoFunction %s: Builder is required", id))
	}
	srcDir := filepath.Join(props.Builder.ModuleDir(), props.Dir)
	if st, err := os.Stat(srcDir); err != nil || !st.IsDir() {
		panic(fmt.Sprintf("GoFunction %s: package folder %s not found", id, srcDir))
	}
	if props.Sizing == (LambdaConfig{}) {
		props.Sizing = DefaultLambdaSizing()
	}
	env := map[string]*string{
		contract.EnvStage:    jsii.String(props.Stage),
		contract.EnvLogLevel: jsii.String("info"),
	}
	for k, v := range props.Environment {
		env[k] = jsii.String(v)
	}
	files := map[string]string{}
	for name, src := range props.Files {
		if name == "" || name == "bootstrap" || name != filepath.Base(name) {
			panic(fmt.Sprintf("GoFunction %s: bundle file name %q must be a plain file name other than bootstrap", id, name))
		}
		if !filepath.IsAbs(src) {
			src = filepath.Join(props.Builder.ModuleDir(), src)
		}
		if st, err := os.Stat(src); err != nil || !st.Mode().IsRegular() {
			panic(fmt.Sprintf("GoFunction %s: file %s for the bundle not found", id, src))
		}
		files[name] = src
	}
	logs := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     props.Retention,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	code := awslambda.Code_FromAsset(jsii.String(srcDir), &awss3assets.AssetOptions{
		// The binary depends on the whole module, not only on its folder:
		// hash what was built.
		AssetHashType: awscdk.AssetHashType_OUTPUT,
		Bundling: &awscdk.BundlingOptions{
			// Required by the type; never pulled, local bundling always answers.
			Image: awscdk.DockerImage_FromRegistry(jsii.String("local-go-bundling-only")),
			Local: &localBundling{builder: props.Builder, dir: props.Dir, files: files},
		},
	})
	fnProps := &awslambda.FunctionProps{
		Description:  jsii.String(props.Description),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         code,
		MemorySize:   jsii.Number(float64(props.Sizing.MemoryMiB)),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(float64(props.Sizing.TimeoutSeconds))),
		Environment:  &env,
		Tracing:      awslambda.Tracing_ACTIVE,
		LogGroup:     logs,
	}
	if props.DeadLetterQueue != nil {
		fnProps.DeadLetterQueue = props.DeadLetterQueue
	}
	if props.Sizing.ReservedConcurrency > 0 {
		fnProps.ReservedConcurrentExecutions = jsii.Number(float64(props.Sizing.ReservedConcurrency))
	}
	fn := awslambda.NewFunction(c, jsii.String("Function"), fnProps)
	suppress(fn, true, findingBasicRole(), findingGrantWildcards())
	return &GoFunction{Construct: c, Function: fn, LogGroup: logs}
}
