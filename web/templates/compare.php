<?php
/**
 * Up to four products side by side: the B2B facts first, then every
 * attribute any of them has. Every value is partner data: escaped.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var list<array<string, mixed>> $products
 */

use CatalogSearch\Web\ProductFacts;

$str = static fn (array $p, string $k): string => is_string($p[$k] ?? null) ? $p[$k] : '';
$int = static fn (array $p, string $k): int => is_int($p[$k] ?? null) ? $p[$k] : 0;
$rows = [
    'compare.price' => static fn (array $p): string => ProductFacts::onRequest($p['price'] ?? null, $p['free'] ?? false)
        ? $t->t('price.on_request')
        : trim($t->price($p['price']) . ' ' . ProductFacts::priceLabel($t, $p)),
    'product.moq' => static fn (array $p): string => $int($p, 'moq') > 0 ? $t->number($int($p, 'moq')) : '',
    'product.unit' => static fn (array $p): string => $str($p, 'unit'),
    'product.lead_time' => static fn (array $p): string => $int($p, 'lead_time_days') > 0 ? $t->plural('product.days', $int($p, 'lead_time_days')) : '',
    'facet.brand' => static fn (array $p): string => $str($p, 'brand'),
    'product.sold_by' => static fn (array $p): string => ProductFacts::seller($p),
    'product.sku' => static fn (array $p): string => $str($p, 'sku'),
    'product.gtin' => static fn (array $p): string => $str($p, 'gtin'),
    'product.origin' => static fn (array $p): string => $str($p, 'origin') === '' ? '' : $t->country($str($p, 'origin')),
    'product.category' => static fn (array $p): string => implode(' › ', array_filter(is_array($p['category'] ?? null) ? $p['category'] : [], 'is_string')),
];
$attrs = [];
foreach ($products as $p) {
    foreach (is_array($p['attributes'] ?? null) ? $p['attributes'] : [] as $k => $_) {
        $attrs[(string) $k] = true;
    }
}
$attrs = array_keys($attrs);
sort($attrs, SORT_NATURAL | SORT_FLAG_CASE);
?>
<p class="back no-print"><a href="<?= $v->link('/list') ?>"><?= $v->e($t->t('compare.back')) ?></a></p>
<h1 id="compare-title"><?= $v->e($t->t('compare.title')) ?></h1>
<?php if ($products === []) : ?>
<p><?= $v->e($t->t('compare.none')) ?></p>
<?php else : ?>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="compare-title">
<table class="data compare">
  <thead><tr>
    <td></td>
    <?php foreach ($products as $p) : ?>
    <th scope="col"><a href="<?= $v->link($v->productPath($str($p, 'id'))) ?>"><?= $v->e($str($p, 'name')) ?></a></th>
    <?php endforeach; ?>
  </tr></thead>
  <tbody>
    <?php foreach ($rows as $key => $cell) : ?>
    <tr><th scope="row"><?= $v->e($t->t($key)) ?></th>
      <?php foreach ($products as $p) : ?><td><?= $v->e($cell($p)) ?></td><?php endforeach; ?></tr>
    <?php endforeach; ?>
    <?php foreach ($attrs as $a) : ?>
    <tr><th scope="row"><?= $v->e($a) ?></th>
      <?php foreach ($products as $p) : ?><td><?= $v->e(is_array($p['attributes'] ?? null) && isset($p['attributes'][$a]) ? (string) $p['attributes'][$a] : '') ?></td><?php endforeach; ?></tr>
    <?php endforeach; ?>
  </tbody>
</table>
</div>
<?php endif; ?>
