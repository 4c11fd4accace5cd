<?php
/**
 * The results region of the search page: heading, count, sort, facets,
 * the result grid, pagination or the zero-results help. Rendered inside the
 * page, and alone for the script (X-Partial: results).
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var CatalogSearch\Web\SearchState $state
 * @var array<string, mixed>|null $result
 * @var string $invalid
 * @var int $widen how many products the text finds without the filters (0: not asked)
 * @var list<array{string, int}> $popular popular top-level categories, for an empty page
 * @var list<array{string, int}> $currencies the currencies the results are priced in, with counts
 * @var string $shownCurrency the one currency the prices are in, "" for every currency
 * @var bool $autoCurrency whether the site chose $shownCurrency (the buyer did not)
 */

use CatalogSearch\Web\Html;
use CatalogSearch\Web\ProductFacts;
use CatalogSearch\Web\SearchState;

$hits = is_array($result['hits'] ?? null) ? $result['hits'] : [];
$total = is_int($result['total'] ?? null) ? $result['total'] : 0;
$exact = ($result['total_exact'] ?? true) !== false;
$facets = is_array($result['facets'] ?? null) ? $result['facets'] : [];
$suggestion = is_string($result['suggestion'] ?? null) ? trim($result['suggestion']) : '';
// A relaxed answer matches most of the words, not all: say which ones it
// does without, so the buyer knows the hits are partial matches.
$dropped = ($result['relaxed'] ?? false) === true && is_array($result['dropped'] ?? null)
    ? array_values(array_filter($result['dropped'], 'is_string'))
    : [];
$last = SearchState::lastPage($total);
$summary = $result === null ? '' : ($exact
    ? $t->plural('results.count', $total)
    : $t->plural('results.count_more', $total));
$widen ??= 0;
$popular ??= [];
$currencies ??= [];
$shownCurrency ??= '';
$autoCurrency ??= false;
$priceCurrency = is_string($result['price_currency'] ?? null) ? $result['price_currency'] : $shownCurrency;
// Sorting and filters do nothing on a page without results: only the
// active filters (to remove them) are left.
$none = $hits === [];
$facetLabel = static function (string $name) use ($t): string {
    return str_starts_with($name, 'attr.') ? substr($name, 5) : $t->t('facet.' . $name);
};
// Partners by their display name (the API's facet label), on the chips too.
$partnerNames = [];
foreach (is_array($facets['partner'] ?? null) ? $facets['partner'] : [] as $fv) {
    if (is_array($fv) && is_string($fv['value'] ?? null) && is_string($fv['label'] ?? null) && trim($fv['label']) !== '') {
        $partnerNames[$fv['value']] = trim($fv['label']);
    }
}
// Availability and lead-time values are codes ("in_stock", "7"): shown in
// words; partners by their display name.
$valueLabel = static function (string $name, string $value) use ($t, $partnerNames): string {
    return match ($name) {
        'availability' => $t->t('availability.' . $value),
        'lead_time' => $t->plural('lead.within', (int) $value),
        'partner' => $partnerNames[$value] ?? $value,
        default => $value,
    };
};
?>
<div class="results-head" data-summary="<?= $v->e($summary) ?>">
  <h1 id="results-title"><?= $v->e($state->q === '' ? $t->t('results.all') : $t->t('results.for', ['q' => $state->q])) ?></h1>
  <?php if ($summary !== '') : ?>
  <p class="summary"><?= $v->e($summary) ?></p>
  <?php endif; ?>
  <?php if ($dropped !== [] && $hits !== []) : ?>
  <p class="notice relaxed" role="status"><?= $v->e($t->t('results.relaxed', ['q' => $state->q])) ?>
    <?= $v->e($t->t('results.relaxed_without', ['words' => implode(', ', $dropped)])) ?></p>
  <?php endif; ?>
  <?php if (!$none) : ?>
  <div class="sort">
    <label for="sort"><?= $v->e($t->t('sort.label')) ?></label>
    <select id="sort" name="sort" form="search">
      <?php foreach (SearchState::SORTS as $s) : ?>
      <option value="<?= $v->e($s) ?>"<?= $state->sort === $s ? ' selected' : '' ?>><?= $v->e($t->t('sort.' . $s)) ?></option>
      <?php endforeach; ?>
    </select>
  </div>
  <?php endif; ?>
  <?php if (!$none || $state->grouped) : ?>
  <p class="grouping">
    <?php if ($state->grouped) : ?>
    <input type="hidden" name="group" value="<?= $v->e(SearchState::GROUP_OFFERS) ?>" form="search">
    <?php endif; ?>
    <a data-nav href="<?= $v->link('/', $state->withGrouping(!$state->grouped)) ?>"><?= $v->e($t->t($state->grouped ? 'group.off' : 'group.on')) ?></a>
  </p>
  <?php endif; ?>
</div>
<div class="search-layout<?= $none ? ' search-empty' : '' ?>">
  <?php if (!$none || $state->hasFilters()) : ?>
  <aside class="facets" aria-labelledby="filters-title">
    <details class="facets-box" open data-facets>
    <summary><h2 id="filters-title" class="facets-title"><?= $v->e($t->t('filters.title')) ?></h2></summary>
    <?php if ($state->hasFilters()) : ?>
    <ul class="chips" aria-label="<?= $v->e($t->t('filters.active')) ?>">
      <?php foreach ($state->filters as $name => $values) : ?>
        <?php foreach ($values as $value) : ?>
      <li><a class="chip" data-nav href="<?= $v->link('/', $state->toggle($name, $value)) ?>"
             aria-label="<?= $v->e($t->t('filters.remove', ['filter' => $facetLabel($name) . ': ' . $valueLabel($name, $value)])) ?>"><?= $v->e($valueLabel($name, $value)) ?> <span aria-hidden="true">×</span></a></li>
        <?php endforeach; ?>
      <?php endforeach; ?>
      <?php if ($state->priceMin !== '' || $state->priceMax !== '' || ($state->currency !== '' && !$state->autoCurrency && $state->currency !== SearchState::ALL_CURRENCIES)) : ?>
      <li><a class="chip" data-nav href="<?= $v->link('/', $state->withoutPrice()) ?>"
             aria-label="<?= $v->e($t->t('filters.remove', ['filter' => $t->t('facet.price')])) ?>"><?= $v->e($t->t('facet.price')) ?> <span aria-hidden="true">×</span></a></li>
      <?php endif; ?>
      <li><a class="chip chip-clear" data-nav href="<?= $v->link('/', $state->cleared()) ?>"><?= $v->e($t->t('filters.clear')) ?></a></li>
    </ul>
    <?php endif; ?>
    <?php if (!$none) : ?>
    <?php
    $names = array_unique(array_merge(SearchState::FACETS, array_keys($state->filters)));
    foreach ($names as $fi => $name) :
        $values = is_array($facets[$name] ?? null) ? $facets[$name] : [];
        $seen = [];
        $rows = [];
        $labels = [];
        foreach ($values as $fv) {
            if (is_array($fv) && is_string($fv['value'] ?? null)) {
                $rows[] = [$fv['value'], is_int($fv['count'] ?? null) ? $fv['count'] : 0];
                $seen[$fv['value']] = true;
                // The partner facet's display names (the API's label).
                if (is_string($fv['label'] ?? null) && trim($fv['label']) !== '') {
                    $labels[$fv['value']] = trim($fv['label']);
                }
            }
        }
        // A selected value stays on screen (and can be unticked) even when it counts no hit.
        foreach ($state->filters[$name] ?? [] as $sel) {
            if (!isset($seen[$sel])) {
                $rows[] = [$sel, 0];
            }
        }
        if ($rows === []) {
            continue; // a facet the results carry no value of is not shown
        }
        if ($name === 'lead_time') {
            // Bands read shortest first ("within 1 day", "within 3 days", ...).
            usort($rows, static fn (array $a, array $b): int => (int) $a[0] <=> (int) $b[0]);
        }
        $tree = $name === 'category' ? SearchState::categoryTree($rows) : array_map(
            static fn (array $r): array => ['value' => $r[0], 'count' => $r[1], 'depth' => 0, 'prefix' => '',
                'label' => $labels[$r[0]] ?? $valueLabel($name, $r[0])],
            $rows,
        );
        ?>
    <fieldset class="facet">
      <legend><?= $v->e($facetLabel($name)) ?></legend>
      <ul>
        <?php foreach ($tree as $ri => $row) :
            $id = 'f' . $fi . '-' . $ri;
            // Category paths "A > B" show as a tree, each under its own
            // parent; screen readers still hear the whole path.
            $value = $row['value'];
            $count = $row['count'];
            $depth = $row['depth'];
            ?>
        <li<?= $depth > 0 ? ' class="depth-' . $depth . '"' : '' ?>>
          <input type="checkbox" id="<?= $v->e($id) ?>" name="<?= $v->e($name) ?>" value="<?= $v->e($value) ?>" form="search"<?= $state->isSelected($name, $value) ? ' checked' : '' ?>>
          <label for="<?= $v->e($id) ?>"><span class="facet-value"><?php if ($row['prefix'] !== '') :
                ?><span class="visually-hidden"><?= $v->e($row['prefix']) ?></span><?php
                                                                   endif; ?><?= $v->e($row['label']) ?></span>
            <span class="count"><?= $v->e($t->number($count)) ?></span></label>
        </li>
        <?php endforeach; ?>
      </ul>
    </fieldset>
    <?php endforeach; ?>
    <fieldset class="facet price-range">
      <legend><?= $v->e($priceCurrency !== '' ? $t->t('facet.price_in', ['c' => $priceCurrency]) : $t->t('facet.price')) ?></legend>
      <div class="price-inputs">
        <div>
          <label for="price_min"><?= $v->e($t->t('price.min')) ?></label>
          <input id="price_min" name="price_min" form="search" inputmode="decimal" size="7"
                 value="<?= $v->e($state->priceMin) ?>" aria-describedby="price-hint">
        </div>
        <div>
          <label for="price_max"><?= $v->e($t->t('price.max')) ?></label>
          <input id="price_max" name="price_max" form="search" inputmode="decimal" size="7"
                 value="<?= $v->e($state->priceMax) ?>" aria-describedby="price-hint">
        </div>
        <div>
          <label for="currency"><?= $v->e($t->t('price.currency')) ?></label>
          <select id="currency" name="currency" form="search">
            <?php
            // A currency the site chose is not the buyer's choice: a new
            // search from this form does not carry it.
            $chosen = $state->autoCurrency ? '' : $state->currency;
            ?>
            <option value=""<?= $chosen === '' ? ' selected' : '' ?>><?= $v->e($t->t('price.any')) ?></option>
            <?php if ($chosen === SearchState::ALL_CURRENCIES) : ?>
            <option value="<?= $v->e(SearchState::ALL_CURRENCIES) ?>" selected><?= $v->e($t->t('currency.all_link')) ?></option>
            <?php endif; ?>
            <?php
            $codes = array_map(static fn (array $c): string => $c[0], $currencies);
            if ($state->currency !== '' && $state->currency !== SearchState::ALL_CURRENCIES && !in_array($state->currency, $codes, true)) {
                $codes[] = $state->currency;
            }
            foreach ($codes as $c) : ?>
            <option value="<?= $v->e($c) ?>"<?= $chosen === $c ? ' selected' : '' ?>><?= $v->e($c) ?></option>
            <?php endforeach; ?>
          </select>
        </div>
      </div>
      <?php
        $bands = [];
        foreach (is_array($facets['price'] ?? null) ? $facets['price'] : [] as $fv) {
            $band = is_array($fv) && is_string($fv['value'] ?? null) ? SearchState::priceBand($fv['value']) : null;
            if ($band !== null && is_int($fv['count'] ?? null) && $fv['count'] > 0) {
                $bands[] = [$band[0], $band[1], $fv['count']];
            }
        }
        ?>
      <?php if ($bands !== []) : ?>
      <ul class="price-bands">
        <?php foreach ($bands as [$lo, $hi, $count]) :
            $label = $hi === ''
                ? $t->t('price.band_over', ['min' => $t->decimal($lo, 0)])
                : ($lo === '0' ? $t->t('price.band_under', ['max' => $t->decimal($hi, 0)])
                    : $t->t('price.band', ['min' => $t->decimal($lo, 0), 'max' => $t->decimal($hi, 0)]));
            $current = $state->priceMin === ($lo === '0' ? '' : $lo) && $state->priceMax === $hi;
            ?>
        <li><a data-nav href="<?= $v->link('/', $state->withPrice($lo, $hi, $priceCurrency)) ?>"<?= $current ? ' aria-current="true"' : '' ?>><?= $v->e($label) ?></a>
          <span class="count"><?= $v->e($t->number($count)) ?></span></li>
        <?php endforeach; ?>
      </ul>
      <?php endif; ?>
      <p id="price-hint" class="hint"><?= $v->e($t->t('price.hint')) ?></p>
    </fieldset>
    <button type="submit" form="search" class="btn apply-filters"><?= $v->e($t->t('filters.apply')) ?></button>
    <a class="btn btn-primary show-results" href="#results" data-show-results><?= $v->e($summary !== '' ? $t->plural('filters.show', $total) : $t->t('filters.show_all')) ?></a>
    <?php endif; ?>
    </details>
  </aside>
  <?php endif; ?>
  <section id="results" class="results" tabindex="-1" aria-labelledby="results-title">
    <?php foreach ($state->errors as $err) : ?>
    <p class="notice notice-error"><?= $v->e($t->t($err)) ?></p>
    <?php endforeach; ?>
    <?php if (!$none && (count($currencies) > 1 || $autoCurrency)) : ?>
    <div class="currency-bar">
      <p><?php if ($shownCurrency !== '') : ?><?= $v->e($t->t($autoCurrency ? 'currency.auto' : 'currency.shown', ['c' => $shownCurrency])) ?><?php else : ?><?= $v->e($t->t('currency.all')) ?><?php endif; ?></p>
      <?php if (count($currencies) > 1) : ?>
      <ul aria-label="<?= $v->e($t->t('currency.choose')) ?>">
        <?php foreach ($currencies as [$c, $n]) : ?>
        <li><a data-nav href="<?= $v->link('/', $state->withCurrency($c)) ?>"<?= $c === $shownCurrency ? ' aria-current="true"' : '' ?>><?= $v->e($c) ?> <span class="count"><?= $v->e($t->number($n)) ?></span></a></li>
        <?php endforeach; ?>
        <li><a data-nav href="<?= $v->link('/', $state->withCurrency(SearchState::ALL_CURRENCIES)) ?>"<?= $shownCurrency === '' ? ' aria-current="true"' : '' ?>><?= $v->e($t->t('currency.all_link')) ?></a></li>
      </ul>
      <?php endif; ?>
    </div>
    <?php endif; ?>
    <?php if ($invalid !== '') : ?>
    <p class="notice notice-error"><?= $v->e($t->t($invalid)) ?></p>
    <?php elseif ($hits === []) : ?>
    <div class="empty">
      <h2><?= $v->e($state->q === '' ? $t->t('empty.title_all') : $t->t('empty.title', ['q' => $state->q])) ?></h2>
      <?php if ($suggestion !== '' && $suggestion !== $state->q) : ?>
      <p class="did-you-mean"><?= $v->e($t->t('empty.did_you_mean')) ?>
        <a data-nav href="<?= $v->link('/', $state->withQuery($suggestion)) ?>"><?= $v->e($suggestion) ?></a>?</p>
      <?php endif; ?>
      <?php if ($widen > 0) : ?>
      <p class="widen"><?= $v->e($t->plural('empty.widen', $widen, ['q' => $state->q])) ?>
        <a class="btn" data-nav href="<?= $v->link('/', $state->cleared()) ?>"><?= $v->e($t->t('empty.widen_action')) ?></a></p>
      <?php endif; ?>
      <ul class="tips">
        <li><?= $v->e($t->t('empty.tip_spelling')) ?></li>
        <li><?= $v->e($t->t('empty.tip_words')) ?></li>
        <?php if ($state->hasFilters()) : ?>
        <li><a data-nav href="<?= $v->link('/', $state->cleared()) ?>"><?= $v->e($t->t('empty.tip_filters')) ?></a></li>
        <?php endif; ?>
      </ul>
      <?php if ($popular !== []) : ?>
      <h3 id="popular-title"><?= $v->e($t->t('empty.popular')) ?></h3>
      <ul class="popular" aria-labelledby="popular-title">
        <?php foreach ($popular as [$cat, $n]) : ?>
        <li><a data-nav href="<?= $v->link('/', SearchState::queryString(['category' => $cat])) ?>"><?= $v->e($cat) ?></a>
          <span class="count"><?= $v->e($t->number($n)) ?></span></li>
        <?php endforeach; ?>
      </ul>
      <?php endif; ?>
    </div>
    <?php else : ?>
    <ol class="grid">
      <?php foreach (array_values($hits) as $i => $hit) :
          $p = is_array($hit['product'] ?? null) ? $hit['product'] : [];
          $hl = is_array($hit['highlights'] ?? null) ? $hit['highlights'] : [];
          $id = is_string($p['id'] ?? null) ? $p['id'] : '';
          $name = is_string($p['name'] ?? null) ? $p['name'] : $id;
          $nameHl = is_string($hl['name'][0] ?? null) ? $hl['name'][0] : '';
          $descHl = is_string($hl['description'][0] ?? null) ? $hl['description'][0] : '';
          $desc = is_string($p['description'] ?? null) ? $p['description'] : '';
          // Our stored picture, never the partner's URL; none yet: the placeholder.
          $img = Html::picture(is_array($p['pictures'] ?? null) ? ($p['pictures'][0] ?? null) : null,
              '(max-width: 47.99em) 50vw, 16rem', '', true);
          $price = $t->price($p['price'] ?? null);
          $onRequest = ProductFacts::onRequest($p['price'] ?? null, $p['free'] ?? false);
          $unit = is_string($p['unit'] ?? null) ? $p['unit'] : '';
          $moq = is_int($p['moq'] ?? null) ? $p['moq'] : 0;
          $lead = is_int($p['lead_time_days'] ?? null) ? $p['lead_time_days'] : 0;
          $avail = in_array($p['availability'] ?? null, SearchState::AVAILABILITIES, true) ? $p['availability'] : '';
          $sku = is_string($p['sku'] ?? null) ? $p['sku'] : '';
          $gtin = is_string($p['gtin'] ?? null) ? $p['gtin'] : '';
          $matched = ProductFacts::matchedIdentifier($p, $state->q);
          // A grouped hit stands for every matching offer of the product.
          $group = is_array($hit['group'] ?? null) ? $hit['group'] : [];
          $offers = is_int($group['offers'] ?? null) ? $group['offers'] : 1;
          $fromPrice = $offers > 1 ? $t->price($group['min_price'] ?? null) : '';
          ?>
      <li class="card">
        <div class="thumb"><?= $img ?></div>
        <div class="card-body">
          <h2 class="card-title"><a href="<?= $v->resultLink($id, $state->q, ($state->page - 1) * SearchState::SIZE + $i + 1) ?>"><?= $nameHl !== '' ? $v->hl($nameHl) : $v->e($name) ?></a></h2>
          <?php if (is_string($p['brand'] ?? null) && $p['brand'] !== '') : ?>
          <p class="brand"><?= $v->e($p['brand']) ?></p>
          <?php endif; ?>
          <?php if ($matched !== null) : ?>
          <p class="match"><?= $v->e($t->t('card.matched', ['field' => $t->t('product.' . $matched[0]), 'value' => $matched[1]])) ?></p>
          <?php endif; ?>
          <?php if ($onRequest) : ?>
          <p class="price-request"><?= $v->e($t->t('price.on_request')) ?></p>
          <p><a class="contact" href="<?= $v->link($v->productPath($id)) ?>#quote"><?= $v->e($t->t('price.ask')) ?><span class="visually-hidden"> – <?= $v->e($name) ?></span></a></p>
          <?php else : ?>
          <p class="price"><?= $v->e($price) ?></p>
            <?php $approx = $v->approx($p['price'] ?? null); if ($approx !== '') : ?>
          <p class="approx"><?= $v->e($approx) ?></p>
            <?php endif; ?>
            <?php $label = ProductFacts::priceLabel($t, $p); if ($label !== '') : ?>
          <p class="per"><?= $v->e($label) ?></p>
            <?php endif; ?>
          <?php endif; ?>
          <dl class="facts">
            <?php if ($sku !== '') : ?><div><dt><?= $v->e($t->t('card.sku')) ?></dt><dd><?= $v->e($sku) ?></dd></div><?php endif; ?>
            <?php if ($gtin !== '') : ?><div><dt><?= $v->e($t->t('card.gtin')) ?></dt><dd><?= $v->e($gtin) ?></dd></div><?php endif; ?>
            <?php if ($moq > 1) : ?><div><dt><?= $v->e($t->t('card.moq')) ?></dt><dd><?= $v->e($t->number($moq)) ?></dd></div><?php endif; ?>
            <?php if ($avail !== '') : ?><div class="avail avail-<?= $v->e($avail) ?>"><dt><?= $v->e($t->t('card.availability')) ?></dt><dd><?= $v->e($t->t('availability.' . $avail)) ?></dd></div><?php endif; ?>
            <?php if ($lead > 0) : ?><div><dt><?= $v->e($t->t('card.lead')) ?></dt><dd><?= $v->e($t->plural('product.days', $lead)) ?></dd></div><?php endif; ?>
          </dl>
          <p class="partner"><?= $v->e($t->t('product.sold_by')) ?> <span><?= $v->e(ProductFacts::seller($p)) ?></span></p>
          <?php if ($offers > 1) : ?>
          <p class="offers-summary"><a href="<?= $v->link($v->productPath($id)) ?>#offers"><?= $v->e($fromPrice !== ''
              ? $t->plural('card.offers_from', $offers, ['price' => $fromPrice])
              : $t->plural('offers.count', $offers)) ?><span class="visually-hidden"> – <?= $v->e($name) ?></span></a></p>
          <?php endif; ?>
          <?php if ($descHl !== '') : ?>
          <p class="snippet"><?= $v->hl($descHl) ?></p>
          <?php elseif ($desc !== '') : ?>
          <p class="snippet"><?= $v->e(Html::excerpt($desc, 140)) ?></p>
          <?php endif; ?>
        </div>
      </li>
      <?php endforeach; ?>
    </ol>
        <?php if ($last > 1) : ?>
    <nav class="pagination" aria-label="<?= $v->e($t->t('pagination.label')) ?>">
      <ul>
        <?php if ($state->page > 1) : ?>
        <li><a data-nav rel="prev" href="<?= $v->link('/', $state->pageQuery($state->page - 1)) ?>"><?= $v->e($t->t('pagination.prev')) ?></a></li>
        <?php endif; ?>
        <?php foreach (SearchState::pageWindow($state->page, $last) as $n) : ?>
            <?php if ($n === 0) : ?>
        <li class="gap" aria-hidden="true">…</li>
            <?php elseif ($n === $state->page) : ?>
        <li><a data-nav href="<?= $v->link('/', $state->pageQuery($n)) ?>" aria-current="page"
               aria-label="<?= $v->e($t->t('pagination.page', ['n' => $n])) ?>"><?= $v->e($t->number($n)) ?></a></li>
            <?php else : ?>
        <li><a data-nav href="<?= $v->link('/', $state->pageQuery($n)) ?>"
               aria-label="<?= $v->e($t->t('pagination.page', ['n' => $n])) ?>"><?= $v->e($t->number($n)) ?></a></li>
            <?php endif; ?>
        <?php endforeach; ?>
        <?php if ($state->page < $last) : ?>
        <li><a data-nav rel="next" href="<?= $v->link('/', $state->pageQuery($state->page + 1)) ?>"><?= $v->e($t->t('pagination.next')) ?></a></li>
        <?php endif; ?>
      </ul>
    </nav>
        <?php endif; ?>
    <?php endif; ?>
  </section>
</div>
