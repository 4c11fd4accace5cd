<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * ApiError is a failed API call: the API's coded JSON error, a transport
 * failure (code "unavailable", status 0) or an unreadable answer (code
 * "internal"). Its message is for the log; pages show their own text.
 */
final class ApiError extends \RuntimeException
{
    public function __construct(
        public readonly string $errorCode,
        public readonly int $status,
        string $message,
        public readonly string $path = '',
    ) {
        parent::__construct($message);
    }

    /** isNotFound is true for a 404 (an unknown resource or an endpoint this API does not serve). */
    public function isNotFound(): bool
    {
        return $this->status === 404;
    }

    /**
     * isMissingEndpoint is true for 404 and 405: the resource is unknown or
     * this API does not serve the route (yet); callers that use an optional
     * endpoint degrade instead of failing.
     */
    public function isMissingEndpoint(): bool
    {
        return $this->status === 404 || $this->status === 405;
    }
}
