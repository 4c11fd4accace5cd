<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

/**
 * ApiServer runs tests/fixtures/api.php, a mock of the Catalog Search API
 * (see that file), under `php -S` on a free loopback port for the tests
 * that exercise real HTTP: the API client's timeouts and errors, and whole
 * pages rendered from API answers.
 */
final class ApiServer
{
    /** @var resource */
    private $proc;
    public readonly string $url;
    private readonly string $id;

    /** @param array<string, string> $env extra environment (FIXTURE_NO_SUGGEST=1, ...) */
    public function __construct(array $env = [])
    {
        $port = self::freePort();
        $this->url = 'http://127.0.0.1:' . $port;
        $this->id = bin2hex(random_bytes(6));
        $cmd = [PHP_BINARY, '-S', '127.0.0.1:' . $port, __DIR__ . '/fixtures/api.php'];
        $environment = array_merge(getenv(), ['PHP_CLI_SERVER_WORKERS' => '4'], $env, ['FIXTURE_ID' => $this->id]);
        $null = ['file', '/dev/null', 'w'];
        $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => $null, 2 => $null], $pipes, null, $environment);
        if (!is_resource($proc)) {
            throw new \RuntimeException('cannot start php -S for the fixture API');
        }
        $this->proc = $proc;
        $deadline = microtime(true) + 10;
        while (microtime(true) < $deadline) {
            $ctx = stream_context_create(['http' => ['timeout' => 1, 'ignore_errors' => true]]);
            if (@file_get_contents($this->url . '/v1/health', false, $ctx) !== false) {
                return;
            }
            usleep(50_000);
        }
        $this->stop();
        throw new \RuntimeException('fixture API did not start on ' . $this->url);
    }

    public function stop(): void
    {
        if (is_resource($this->proc)) {
            // php -S with workers forks: stop the workers, then the master.
            $pid = (int) proc_get_status($this->proc)['pid'];
            $children = @file_get_contents("/proc/$pid/task/$pid/children");
            foreach (preg_split('/\s+/', trim((string) $children)) ?: [] as $child) {
                if (ctype_digit($child)) {
                    posix_kill((int) $child, SIGTERM);
                }
            }
            proc_terminate($this->proc);
            proc_close($this->proc);
        }
        $dir = sys_get_temp_dir() . '/catalogsearch-fixture-' . $this->id;
        foreach (glob($dir . '/*') ?: [] as $f) {
            unlink($f);
        }
        if (is_dir($dir)) {
            rmdir($dir);
        }
    }

    /** freePort asks the kernel for a free loopback port. */
    public static function freePort(): int
    {
        $sock = stream_socket_server('tcp://127.0.0.1:0');
        if ($sock === false) {
            throw new \RuntimeException('no free port');
        }
        $name = (string) stream_socket_get_name($sock, false);
        fclose($sock);
        return (int) substr($name, strrpos($name, ':') + 1);
    }
}
