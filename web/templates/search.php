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
<div id="results-region" data-results>
<?php include __DIR__ . '/results.php'; ?>
</div>
