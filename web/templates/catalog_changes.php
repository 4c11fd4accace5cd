<?php
/**
 * What one upload changed, as the API lists it (by product, a page at a
 * time): new, changed (with the fields and the price before and after)
 * and removed products. Included by catalog.php once the catalog is
 * applied.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var array<string, mixed> $c
 * @var array{changes: list<array<string, mixed>>, next: string, after: string}|null $changes
 */

if ($changes === null) {
    return;
}
$id = is_string($c['id'] ?? null) ? $c['id'] : '';
$base = '/partner/catalogs/' . rawurlencode($id);
?>
<section class="changes" id="changes" aria-labelledby="changes-title">
  <h2 id="changes-title"><?= $v->e($t->t('changes.title')) ?></h2>
  <?php if ($changes['changes'] === []) : ?>
  <p><?= $v->e($t->t('changes.none')) ?></p>
  <?php else : ?>
  <div class="table-scroll" tabindex="0" role="region" aria-labelledby="changes-title">
  <table class="data changes-table">
    <thead><tr>
      <th scope="col"><?= $v->e($t->t('changes.product')) ?></th>
      <th scope="col"><?= $v->e($t->t('changes.kind')) ?></th>
      <th scope="col"><?= $v->e($t->t('changes.fields')) ?></th>
      <th scope="col"><?= $v->e($t->t('changes.price')) ?></th>
    </tr></thead>
    <tbody>
    <?php foreach ($changes['changes'] as $ch) :
        $pid = is_string($ch['product_id'] ?? null) ? $ch['product_id'] : '';
        $kind = is_string($ch['kind'] ?? null) ? $ch['kind'] : '';
        $name = is_string($ch['name'] ?? null) && $ch['name'] !== '' ? $ch['name'] : $pid;
        $fields = is_array($ch['fields'] ?? null) ? array_filter($ch['fields'], 'is_string') : [];
        $before = $t->price($ch['price_before'] ?? null);
        $after = $t->price($ch['price_after'] ?? null);
        ?>
      <tr class="change-<?= $v->e(preg_replace('/[^a-z]/', '', $kind)) ?>">
        <th scope="row">
          <?php if ($kind === 'removed') : ?>
          <?= $v->e($name) ?>
          <?php else : ?>
          <a href="<?= $v->link($v->productPath($pid)) ?>"><?= $v->e($name) ?></a>
          <?php endif; ?>
        </th>
        <td><?= $v->e($t->t('changes.kind.' . $kind)) ?></td>
        <td><?= $v->e(implode(', ', array_map(static fn (string $f): string => $t->t('field.' . $f), $fields))) ?></td>
        <td><?php if ($kind === 'changed' && in_array('price', $fields, true)) : ?><?= $v->e($before) ?> → <strong><?= $v->e($after) ?></strong><?php else : ?><?= $v->e($kind === 'removed' ? $before : $after) ?><?php endif; ?></td>
      </tr>
    <?php endforeach; ?>
    </tbody>
  </table>
  </div>
  <?php endif; ?>
  <?php if ($changes['after'] !== '' || $changes['next'] !== '') : ?>
  <p class="pager">
    <?php if ($changes['after'] !== '') : ?>
    <a href="<?= $v->link($base) ?>#changes"><?= $v->e($t->t('changes.first')) ?></a>
    <?php endif; ?>
    <?php if ($changes['next'] !== '') : ?>
    <a rel="next" href="<?= $v->link($base, '?after=' . rawurlencode($changes['next'])) ?>#changes"><?= $v->e($t->t('changes.next')) ?></a>
    <?php endif; ?>
  </p>
  <?php endif; ?>
</section>
