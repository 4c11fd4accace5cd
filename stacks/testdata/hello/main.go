// Command hello is a real, tiny Lambda used by the stacks tests to prove
// that GoFunction builds any folder it is given.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

type request struct {
	Name string `json:"name"`
}

type response struct {
	Greeting string `json:"greeting"`
}

func handle(_ context.Context, r request) (response, error) {
	if r.Name == "" {
		r.Name = "world"
	}
	return response{Greeting: "hello, " + r.Name}, nil
}

func main() { lambda.Start(handle) }
