<?php

declare(strict_types=1);

/*
 * PSR-4 autoloader for the CatalogSearch\Web namespace: the site has no
 * Composer dependency, so this is all the class loading it needs.
 */
spl_autoload_register(static function (string $class): void {
    $prefix = 'CatalogSearch\\Web\\';
    if (!str_starts_with($class, $prefix)) {
        return;
    }
    $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
