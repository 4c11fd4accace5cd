<?php

/*
 * Front controller of the Catalog Search site. The same file is the router
 * script of `php -S` (locally, behind catalogctl serve) and the handler of
 * the Bref PHP runtime on Lambda.
 */

declare(strict_types=1);

ini_set('display_errors', '0');
ini_set('log_errors', '1');

require __DIR__ . '/../src/autoload.php';

// On AWS only CloudFront may reach the site: a request without the origin
// secret CloudFront adds went around it (CatalogSearch\Web\OriginGuard).
if (!CatalogSearch\Web\OriginGuard::fromEnv(getenv(CatalogSearch\Web\OriginGuard::ENV))->allows($_SERVER)) {
    CatalogSearch\Web\OriginGuard::refusal()->send();
    return;
}

$path = explode('?', (string) ($_SERVER['REQUEST_URI'] ?? '/'), 2)[0];
if (preg_match('#^/assets/[a-z0-9-]+\.(css|js|svg)$#', $path, $m) === 1 && is_file(__DIR__ . $path)) {
    if (PHP_SAPI === 'cli-server') {
        // php -S sends the file itself.
        return false;
    }
    // Elsewhere (Bref on Lambda, when no CDN serves /assets) send it here:
    // names are fixed and pages add a content hash, so caches keep it a year.
    $types = ['css' => 'text/css', 'js' => 'text/javascript', 'svg' => 'image/svg+xml'];
    header('Content-Type: ' . $types[$m[1]] . '; charset=utf-8');
    header('Cache-Control: public, max-age=31536000, immutable');
    header('X-Content-Type-Options: nosniff');
    header_remove('X-Powered-By');
    readfile(__DIR__ . $path);
    return;
}

$request = CatalogSearch\Web\Request::fromGlobals();
CatalogSearch\Web\App::fromEnvironment()->handle($request)->send($request->header('accept-encoding'));
