<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

/**
 * SiteServer runs the site's front controller (public/index.php) as the
 * router script of a real `php -S` on a free loopback port, as
 * `catalogctl serve` does, for the tests that go through HTTP to the site.
 */
final class SiteServer
{
    /** @var resource */
    private $proc;
    public readonly string $url;

    /** @param array<string, string> $env the site's environment (CATALOG_API_URL, ...) */
    public function __construct(array $env)
    {
        $port = ApiServer::freePort();
        $this->url = 'http://127.0.0.1:' . $port;
        $public = __DIR__ . '/../public';
        $environment = array_merge(getenv(), ['PHP_CLI_SERVER_WORKERS' => '1'], $env);
        $null = ['file', '/dev/null', 'w'];
        $proc = proc_open(
            [PHP_BINARY, '-S', '127.0.0.1:' . $port, '-t', $public, $public . '/index.php'],
            [0 => ['file', '/dev/null', 'r'], 1 => $null, 2 => $null],
            $pipes,
            null,
            $environment,
        );
        if (!is_resource($proc)) {
            throw new \RuntimeException('cannot start php -S for the site');
        }
        $this->proc = $proc;
        for ($i = 0; $i < 100; $i++) {
            if (@fsockopen('127.0.0.1', $port) !== false) {
                return;
            }
            usleep(50_000);
        }
        $this->stop();
        throw new \RuntimeException('php -S did not start');
    }

    public function stop(): void
    {
        if (is_resource($this->proc)) {
            proc_terminate($this->proc);
            proc_close($this->proc);
        }
    }
}
