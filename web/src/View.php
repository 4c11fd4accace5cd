<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * View renders the templates in web/templates. A template sees its
 * variables, $t (the I18n), $v (this view, for escaping and URLs) and
 * $nonce; it escapes everything it prints with $v->e() and friends.
 */
final class View
{
    public function __construct(
        public readonly I18n $t,
        public readonly string $nonce,
        private readonly string $assetBase,
        private readonly string $templateDir = __DIR__ . '/../templates',
        private readonly ?Rates $rates = null,
    ) {
    }

    /** @param array<string, mixed> $vars */
    public function render(string $template, array $vars = []): string
    {
        $file = $this->templateDir . '/' . $template . '.php';
        $render = function (string $__file, array $__vars): string {
            extract($__vars, EXTR_SKIP);
            $t = $this->t;
            $v = $this;
            $nonce = $this->nonce;
            ob_start();
            try {
                include $__file;
            } catch (\Throwable $e) {
                ob_end_clean();
                throw $e;
            }
            return (string) ob_get_clean();
        };
        return $render($file, $vars);
    }

    public function e(mixed $text): string
    {
        return Html::e($text);
    }

    public function hl(string $fragment): string
    {
        return Html::highlight($fragment);
    }

    /** link is a site path in the current locale, escaped for an attribute: link('/product/x'). */
    public function link(string $path = '/', string $query = ''): string
    {
        return Html::e('/' . $this->t->locale . $path . $query);
    }

    /**
     * resultLink is the link of the search result at $position for the
     * search $q: through /click, which counts the click (text and position
     * only) and redirects to the product, so counting needs no script; a
     * listing without text links the product itself.
     */
    public function resultLink(string $id, string $q, int $position): string
    {
        $product = '/' . $this->t->locale . $this->productPath($id);
        if (trim($q) === '') {
            return Html::e($product);
        }
        return Html::e('/' . $this->t->locale . '/click?' . http_build_query(['q' => $q, 'pos' => $position, 'to' => $product], '', '&', PHP_QUERY_RFC3986));
    }

    /** asset is the URL of a static file, with a content hash so caches can keep it forever. */
    public function asset(string $file): string
    {
        $path = __DIR__ . '/../public/assets/' . $file;
        $hash = is_file($path) ? substr((string) md5_file($path), 0, 10) : '0';
        return Html::e($this->assetBase . '/' . $file . '?v=' . $hash);
    }

    /**
     * approx is the converted price shown beside a price in another currency
     * than the locale's, "≈ 12,34 € (rate of 2026-11-30)", when the operator
     * configured a rate for the pair; "" otherwise (never a silent guess).
     */
    public function approx(mixed $price): string
    {
        $c = $this->rates?->convert($price, $this->t->currency());
        if ($c === null) {
            return '';
        }
        return $this->t->t('price.approx', [
            'price' => $this->t->price(['amount' => $c['amount'], 'currency' => $c['currency']]),
            'date' => $c['date'],
        ]);
    }

    /** productPath is the site path of a product page. */
    public function productPath(string $id): string
    {
        return '/product/' . rawurlencode($id);
    }
}
