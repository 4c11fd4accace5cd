// Command broken does not compile, on purpose: TestGoBuilderReportsCompileErrors
// checks that the build error reaches the synth with the package's name.
package main

func main() { undefinedFunction() }
