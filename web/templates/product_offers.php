<?php
/**
 * Every partner's offer of the product shown (same GTIN, or brand and part
 * number), cheapest first, as the API lists them; nothing when the product
 * is offered by its own partner only. Included by product.php.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var array<string, mixed> $p
 * @var list<array<string, mixed>> $offers
 */

use CatalogSearch\Web\ProductFacts;

$offers ??= [];
if (count($offers) < 2) {
    return;
}
$self = is_string($p['id'] ?? null) ? $p['id'] : '';
?>
<section class="offers" id="offers" aria-labelledby="offers-title">
  <h2 id="offers-title"><?= $v->e($t->plural('offers.count', count($offers))) ?></h2>
  <div class="table-scroll" tabindex="0" role="region" aria-labelledby="offers-title">
  <table class="data offers-table">
    <thead><tr>
      <th scope="col"><?= $v->e($t->t('offers.partner')) ?></th>
      <th scope="col"><?= $v->e($t->t('product.price')) ?></th>
      <th scope="col" class="num"><?= $v->e($t->t('offers.moq')) ?></th>
      <th scope="col"><?= $v->e($t->t('offers.unit')) ?></th>
      <th scope="col" class="num"><?= $v->e($t->t('offers.lead_time')) ?></th>
    </tr></thead>
    <tbody>
    <?php foreach ($offers as $o) :
        $oid = is_string($o['product_id'] ?? null) ? $o['product_id'] : '';
        $price = $t->price($o['price'] ?? null);
        ?>
      <tr<?= $oid === $self ? ' class="offer-self"' : '' ?>>
        <th scope="row">
          <?php if ($oid === $self) : ?>
          <?= $v->e(ProductFacts::seller($o)) ?> <span class="hint"><?= $v->e($t->t('offers.this')) ?></span>
          <?php else : ?>
          <a href="<?= $v->link($v->productPath($oid)) ?>"><?= $v->e(ProductFacts::seller($o)) ?></a>
          <?php endif; ?>
        </th>
        <td><?= $v->e($price !== '' ? $price : $t->t('offers.on_request')) ?></td>
        <td class="num"><?= $v->e(is_int($o['moq'] ?? null) && $o['moq'] > 0 ? $t->number($o['moq']) : '') ?></td>
        <td><?= $v->e($o['unit'] ?? '') ?></td>
        <td class="num"><?= $v->e(is_int($o['lead_time_days'] ?? null) && $o['lead_time_days'] > 0 ? $t->plural('offers.days', $o['lead_time_days']) : '') ?></td>
      </tr>
    <?php endforeach; ?>
    </tbody>
  </table>
  </div>
</section>
