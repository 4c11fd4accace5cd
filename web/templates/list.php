<?php
/**
 * The buyer's list: kept in this browser (localStorage), so the script
 * draws it; the page holds its frame, the quick add form and the messages
 * the script uses. Without the script it says it needs it.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 */

$messages = [];
foreach (
    ['empty', 'product', 'sku', 'gtin', 'unit_price', 'quantity', 'line_total', 'remove', 'compare_pick', 'subtotal',
    'on_request', 'min_raised', 'not_found', 'added', 'removed', 'compare_max', 'partner', 'moq', 'per', 'lead',
    'quote_for', 'csv_name', 'lookup_failed', 'tier'] as $k
) {
    $messages[$k] = $t->t('list.js.' . $k);
}
$messages['tax_excl'] = $t->t('price.tax.excl');
$messages['tax_incl'] = $t->t('price.tax.incl');
?>
<div class="list-page" data-list-page data-locale="<?= $v->e($t->locale === 'fr' ? 'fr-FR' : 'en-GB') ?>"
     data-lookup="<?= $v->link('/list/lookup') ?>" data-compare="<?= $v->link('/compare') ?>"
     data-messages="<?= $v->e(json_encode($messages, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES)) ?>">
  <h1 id="list-title" tabindex="-1"><?= $v->e($t->t('list.title')) ?></h1>
  <p class="hint no-print"><?= $v->e($t->t('list.intro')) ?></p>
  <p class="print-only quote-head"><?= $v->e($t->t('list.quote_title')) ?></p>
  <noscript><p class="notice"><?= $v->e($t->t('list.needs_js')) ?></p></noscript>
  <p id="list-status" class="visually-hidden" role="status" aria-live="polite"></p>
  <div class="list-body" data-list-body></div>
  <p class="notice notice-error no-print" data-list-note hidden></p>
  <div class="list-actions no-print" data-list-actions hidden>
    <button type="button" class="btn" data-list-compare><?= $v->e($t->t('list.compare')) ?></button>
    <button type="button" class="btn" data-list-csv><?= $v->e($t->t('list.csv')) ?></button>
    <button type="button" class="btn btn-primary" data-list-print><?= $v->e($t->t('list.print')) ?></button>
    <button type="button" class="btn" data-list-clear><?= $v->e($t->t('list.clear')) ?></button>
  </div>
  <section class="panel quick-add no-print" aria-labelledby="quick-title">
    <h2 id="quick-title"><?= $v->e($t->t('list.quick_title')) ?></h2>
    <form data-list-quick>
      <label for="quick-codes"><?= $v->e($t->t('list.quick_label')) ?></label>
      <textarea id="quick-codes" name="codes" rows="5" aria-describedby="quick-hint" spellcheck="false"></textarea>
      <p id="quick-hint" class="hint"><?= $v->e($t->t('list.quick_hint')) ?></p>
      <button type="submit" class="btn btn-primary"><?= $v->e($t->t('list.quick_submit')) ?></button>
    </form>
    <div class="quick-result" data-list-quick-result></div>
  </section>
</div>
