<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Logger writes one JSON object per line to a stream (stderr by default):
 * the same structured lines the Go side writes, which CloudWatch Logs keeps
 * on AWS and the terminal shows locally.
 */
final class Logger
{
    public function __construct(private readonly string $target = 'php://stderr')
    {
    }

    /** @param array<string, mixed> $fields */
    public function error(string $msg, array $fields = []): void
    {
        $this->write('error', $msg, $fields);
    }

    /** @param array<string, mixed> $fields */
    public function info(string $msg, array $fields = []): void
    {
        $this->write('info', $msg, $fields);
    }

    /**
     * errorOnce logs an error line once per server process (the PHP-FPM
     * worker of a Lambda instance, each php -S worker): a marker file in the
     * temporary folder, named after the process id and created exclusively,
     * says it was written. For conditions that last, such as a missing
     * setting, which would otherwise fill the log on every request.
     *
     * @param array<string, mixed> $fields
     */
    public function errorOnce(string $id, string $msg, array $fields = []): void
    {
        $marker = sys_get_temp_dir() . '/catalogsearch-web-once-' . hash('sha256', getmypid() . "\0" . $this->target . "\0" . $id);
        $f = @fopen($marker, 'x');
        if ($f === false) {
            return;
        }
        fclose($f);
        $this->write('error', $msg, $fields);
    }

    /** @param array<string, mixed> $fields */
    private function write(string $level, string $msg, array $fields): void
    {
        $line = ['time' => gmdate('Y-m-d\TH:i:s\Z'), 'level' => $level, 'source' => 'web', 'msg' => $msg] + $fields;
        $json = json_encode($line, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
        $json = $json === false ? '{"level":"error","msg":"unloggable"}' : $json;
        file_put_contents($this->target, $json . "\n", FILE_APPEND);
    }
}
