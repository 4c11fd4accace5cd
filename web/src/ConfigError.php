<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/** ConfigError is a missing or malformed setting; it is logged, never shown. */
final class ConfigError extends \RuntimeException
{
}
