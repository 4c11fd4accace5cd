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
use CatalogSearch\Web\SearchState;

$offers ??= [];
if (count($offers) < 2) {
    return;
}
$self = is_string($p['id'] ?? null) ? $p['id'] : '';
$count = static fn (array $o, string $k): ?int => is_int($o[$k] ?? null) && $o[$k] >= 0 ? $o[$k] : null;
// The optional columns show when one offer at least says something.
$has = static function (callable $said) use ($offers): bool {
    foreach ($offers as $o) {
        if ($said($o)) {
            return true;
        }
    }
    return false;
};
$showMoq = $has(static fn (array $o): bool => ($count($o, 'moq') ?? 0) > 0);
$showUnit = $has(static fn (array $o): bool => is_string($o['unit'] ?? null) && $o['unit'] !== '');
$showLead = $has(static fn (array $o): bool => ($count($o, 'lead_time_days') ?? 0) > 0);
$avail = static fn (array $o): string => in_array($o['availability'] ?? null, SearchState::AVAILABILITIES, true) ? $o['availability'] : '';
$showStock = $has(static fn (array $o): bool => $avail($o) !== '');
?>
<section class="offers" id="offers" aria-labelledby="offers-title">
  <h2 id="offers-title"><?= $v->e($t->plural('offers.count', count($offers))) ?></h2>
  <div class="table-scroll" tabindex="0" role="region" aria-labelledby="offers-title">
  <table class="data offers-table">
    <thead><tr>
      <th scope="col"><?= $v->e($t->t('offers.partner')) ?></th>
      <th scope="col"><?= $v->e($t->t('product.price')) ?></th>
      <?php if ($showMoq) : ?><th scope="col" class="num"><?= $v->e($t->t('offers.moq')) ?></th><?php endif; ?>
      <?php if ($showUnit) : ?><th scope="col"><?= $v->e($t->t('offers.unit')) ?></th><?php endif; ?>
      <?php if ($showLead) : ?><th scope="col" class="num"><?= $v->e($t->t('offers.lead_time')) ?></th><?php endif; ?>
      <?php if ($showStock) : ?><th scope="col"><?= $v->e($t->t('card.availability')) ?></th><?php endif; ?>
    </tr></thead>
    <tbody>
    <?php foreach ($offers as $o) :
        $oid = is_string($o['product_id'] ?? null) ? $o['product_id'] : '';
        $price = $t->price($o['price'] ?? null);
        $moq = $count($o, 'moq') ?? 0;
        $lead = $count($o, 'lead_time_days') ?? 0;
        $stock = $avail($o);
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
        <?php if ($showMoq) : ?><td class="num"><?= $v->e($moq > 0 ? $t->number($moq) : '') ?></td><?php endif; ?>
        <?php if ($showUnit) : ?><td><?= $v->e($o['unit'] ?? '') ?></td><?php endif; ?>
        <?php if ($showLead) : ?><td class="num"><?= $v->e($lead > 0 ? $t->plural('offers.days', $lead) : '') ?></td><?php endif; ?>
        <?php if ($showStock) : ?><td<?= $stock !== '' ? ' class="avail-' . $v->e($stock) . '"' : '' ?>><?= $v->e($stock !== '' ? $t->t('availability.' . $stock) : '') ?></td><?php endif; ?>
      </tr>
    <?php endforeach; ?>
    </tbody>
  </table>
  </div>
</section>
