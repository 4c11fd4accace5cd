<?php
/**
 * The search page: a live status line for screen readers and the results
 * region, which the script replaces with the "results" partial.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var CatalogSearch\Web\SearchState $state
 * @var array<string, mixed>|null $result
 * @var string $invalid
 */
?>
<p id="search-status" class="visually-hidden" role="status" aria-live="polite"></p>
<div id="results-progress" class="progress" hidden><span class="progress-bar"></span><span class="progress-text"><?= $v->e($t->t('results.loading')) ?></span></div>
<div id="results-failed" class="notice notice-error retry" hidden data-message="<?= $v->e($t->t('results.failed')) ?>">
  <p><?= $v->e($t->t('results.failed')) ?></p>
  <button type="button" class="btn"><?= $v->e($t->t('results.retry')) ?></button>
</div>
<div id="results-region" data-results>
<?php include __DIR__ . '/results.php'; ?>
</div>
