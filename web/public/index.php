<?php

/*
 * Front controller of the Catalog Search site. The same file is the router
 * script of `php -S` (locally, behind catalogctl serve) and the handler of
 * the Bref PHP runtime on Lambda.
 */

declare(strict_types=1);

ini_set('display_errors', '0');
ini_set('log_errors', '1');

if (PHP_SAPI === 'cli-server') {
    // php -S: let the built-in server send the static assets itself.
    $path = (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
    if (str_starts_with($path, '/assets/') && !str_contains($path, '..') && is_file(__DIR__ . $path)) {
        return false;
    }
}

require __DIR__ . '/../src/autoload.php';

$request = CatalogSearch\Web\Request::fromGlobals();
CatalogSearch\Web\App::fromEnvironment()->handle($request)->send($request->header('accept-encoding'));
