<?php
/**
 * The product's price history as the API lists it (newest first): the
 * price each upload set, with its change from the price before; nothing
 * when the product has had one price only. Included by product.php.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var list<array<string, mixed>> $prices
 */

$prices ??= [];
if (count($prices) < 2) {
    return;
}
$amount = static fn (mixed $p): ?float => is_array($p) && is_string($p['amount'] ?? null) && is_numeric($p['amount']) ? (float) $p['amount'] : null;
$currency = static fn (mixed $p): string => is_array($p) && is_string($p['currency'] ?? null) ? $p['currency'] : '';
?>
<section class="prices" id="prices" aria-labelledby="prices-title">
  <h2 id="prices-title"><?= $v->e($t->t('prices.title')) ?></h2>
  <div class="table-scroll" tabindex="0" role="region" aria-labelledby="prices-title">
  <table class="data prices-table">
    <thead><tr>
      <th scope="col"><?= $v->e($t->t('prices.date')) ?></th>
      <th scope="col" class="num"><?= $v->e($t->t('prices.price')) ?></th>
      <th scope="col" class="num"><?= $v->e($t->t('prices.change')) ?></th>
    </tr></thead>
    <tbody>
    <?php foreach ($prices as $i => $pt) :
        $price = $pt['price'] ?? null;
        $older = $prices[$i + 1]['price'] ?? null;
        $now = $amount($price);
        $before = $amount($older);
        $change = '';
        if ($now !== null && $before !== null && $before > 0 && $currency($price) === $currency($older)) {
            $pct = ($now - $before) / $before * 100;
            $change = ($pct > 0 ? '+' : ($pct < 0 ? '−' : '')) . $t->decimal(number_format(abs($pct), 1, '.', ''), 1) . ' %';
        }
        ?>
      <tr>
        <th scope="row"><?= $v->e($t->date($pt['at'] ?? null)) ?></th>
        <td class="num"><?= $v->e($t->price($price)) ?></td>
        <td class="num"><?= $v->e($change) ?></td>
      </tr>
    <?php endforeach; ?>
    </tbody>
  </table>
  </div>
</section>
