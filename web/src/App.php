<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * App is the front controller's work: it picks the locale from the URL
 * (redirecting bare paths by Accept-Language), routes the request to a
 * page, turns every failure into a friendly page plus one logged line
 * (never a stack trace), and adds the security and Server-Timing headers.
 */
final class App
{
    public function __construct(
        private readonly ?Config $config,
        private readonly Logger $logger,
        private readonly ?\Throwable $configError = null,
    ) {
    }

    /** fromEnvironment reads the configuration from the process environment. */
    public static function fromEnvironment(): self
    {
        $logger = new Logger();
        try {
            return new self(Config::fromEnv(getenv()), $logger);
        } catch (ConfigError $e) {
            return new self(null, $logger, $e);
        }
    }

    public function handle(Request $req): Response
    {
        $start = hrtime(true);
        $session = new PartnerSession($req, $this->config?->sessionKey);
        $operator = new PartnerSession($req, $this->config?->sessionKey, null, PartnerSession::OPERATOR_COOKIE);
        $security = new Security($req, $this->config?->sessionKey, $session, $this->config->uploadOrigin ?? '');
        $segments = array_values(array_filter(explode('/', $req->path), static fn (string $s): bool => $s !== ''));
        $locale = $segments[0] ?? '';
        if (!in_array($locale, I18n::LOCALES, true)) {
            return $security->apply($this->localeRedirect($req));
        }
        $rest = '/' . implode('/', array_slice($segments, 1));
        $i18n = I18n::load($locale);
        $view = new View($i18n, $security->nonce, $this->config->assetBase ?? '/assets', rates: $this->config?->rates);
        $api = null;
        try {
            if ($this->config === null) {
                throw $this->configError ?? new ConfigError('no configuration');
            }
            $api = new ApiClient($this->config->apiUrl, $this->config->apiTimeout, $this->config->originSecret);
            $pages = new Pages($req, $i18n, $view, $security, $api, $this->config, $this->logger, $session, $operator);
            [$handler, $params, $allowed] = $pages->router()->match($req->method, $rest);
            if ($handler === null) {
                $res = $allowed !== []
                    ? $pages->error(405, 'error.method')->header('Allow', implode(', ', $allowed))
                    : $pages->error(404, 'error.not_found');
            } else {
                $res = $handler($params);
            }
        } catch (ApiError $e) {
            $this->logger->error('api call failed', [
                'path' => $req->path,
                'api_path' => $e->path,
                'status' => $e->status,
                'code' => $e->errorCode,
                'error' => $e->getMessage(),
            ]);
            $res = $this->errorPage($req, $view, $security, match (true) {
                $e->errorCode === 'not_found' => 404,
                $e->status === 0, $e->errorCode === 'unavailable' => 503,
                default => 502,
            });
        } catch (\Throwable $e) {
            $this->logger->error('page failed', [
                'path' => $req->path,
                'exception' => $e::class,
                'error' => $e->getMessage(),
                'at' => basename($e->getFile()) . ':' . $e->getLine(),
            ]);
            $res = $this->errorPage($req, $view, $security, $e instanceof ConfigError ? 503 : 500);
        }
        $session->apply($res);
        $operator->apply($res);
        if (str_starts_with($res->headers['Content-Type'] ?? '', 'text/html')) {
            $res->headers['Content-Language'] = $locale;
        }
        $apiMs = $api === null ? 0.0 : $api->apiSeconds() * 1000;
        $totalMs = (hrtime(true) - $start) / 1e6;
        $res->headers['Server-Timing'] = sprintf('api;dur=%.2f, app;dur=%.2f', $apiMs, max(0.0, $totalMs - $apiMs));
        if ($req->method === 'HEAD') {
            $res->body = '';
        }
        return $security->apply($res);
    }

    private function errorPage(Request $req, View $view, Security $security, int $status): Response
    {
        $key = match ($status) {
            404 => 'error.not_found',
            503 => 'error.unavailable',
            default => 'error.internal',
        };
        $res = new Response($status, Pages::renderError($view, $key, $req));
        if ($status === 503) {
            $res->headers['Retry-After'] = '30';
        }
        return $res;
    }

    /** localeRedirect sends a path without a locale prefix to the visitor's language. */
    private function localeRedirect(Request $req): Response
    {
        $locale = I18n::negotiate($req->header('accept-language'));
        if ($req->method !== 'GET' && $req->method !== 'HEAD') {
            $res = new Response(404, 'Not found', 'text/plain; charset=utf-8');
            return $res;
        }
        $path = rtrim($req->path, '/');
        $query = SearchState::queryString($req->query);
        // Only site paths are redirected: "//evil.example" style paths stay on this origin
        // because the Location always starts with "/<locale>/".
        $res = Response::redirect('/' . $locale . ($path === '' ? '/' : $path) . $query, 302);
        $res->headers['Vary'] = 'Accept-Language';
        return $res;
    }
}
