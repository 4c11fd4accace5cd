<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Router is the site's one route table: a method, a path pattern whose
 * "{name}" segments match one non-empty path segment, and a handler. Path
 * segments are percent-decoded after matching, so an encoded "/" stays
 * inside its segment.
 */
final class Router
{
    /** @var list<array{string, list<string>, callable}> */
    private array $routes = [];

    public function add(string $method, string $pattern, callable $handler): void
    {
        $this->routes[] = [$method, self::segments($pattern), $handler];
    }

    /**
     * match finds the handler for method and path. It returns the handler
     * and the decoded parameters, or null with allowed methods when only the
     * method differs.
     *
     * @return array{0: callable|null, 1: array<string, string>, 2: list<string>}
     */
    public function match(string $method, string $path): array
    {
        $segments = self::segments($path);
        $allowed = [];
        foreach ($this->routes as [$m, $pattern, $handler]) {
            $params = self::matchSegments($pattern, $segments);
            if ($params === null) {
                continue;
            }
            if ($m === $method || ($m === 'GET' && $method === 'HEAD')) {
                return [$handler, $params, []];
            }
            $allowed[] = $m;
        }
        return [null, [], $allowed];
    }

    /** @return list<string> */
    private static function segments(string $path): array
    {
        return array_values(array_filter(explode('/', $path), static fn (string $s): bool => $s !== ''));
    }

    /**
     * @param list<string> $pattern
     * @param list<string> $segments
     * @return array<string, string>|null
     */
    private static function matchSegments(array $pattern, array $segments): ?array
    {
        if (count($pattern) !== count($segments)) {
            return null;
        }
        $params = [];
        foreach ($pattern as $i => $p) {
            $s = $segments[$i];
            if (preg_match('/^\{(\w+)\}$/', $p, $m) === 1) {
                $decoded = rawurldecode($s);
                if ($decoded === '' || preg_match('//u', $decoded) !== 1) {
                    return null;
                }
                $params[$m[1]] = $decoded;
            } elseif ($p !== $s) {
                return null;
            }
        }
        return $params;
    }
}
