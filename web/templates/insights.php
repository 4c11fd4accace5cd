<?php
/**
 * The operator's insights: what the catalogs hold and what buyers search,
 * each chart an accessible SVG (title, description) with its numbers as a
 * table beside it. No script.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var array<string, mixed> $views
 * @var array<string, string> $period
 * @var string $csrf
 */

use CatalogSearch\Web\Chart;
use CatalogSearch\Web\Security;

$num = static fn (int $n): string => $t->number($n);
$amount = static fn (float $a): string => number_format($a, 2, $t->locale === 'fr' ? ',' : '.', $t->locale === 'fr' ? "\u{202F}" : ',');
/** @return array<string, int> */
$counts = static function (mixed $list, string $key = 'value', string $count = 'count'): array {
    $out = [];
    foreach (is_array($list) ? $list : [] as $row) {
        if (is_array($row) && is_scalar($row[$key] ?? null) && is_int($row[$count] ?? null)) {
            $out[(string) $row[$key]] = $row[$count];
        }
    }
    return $out;
};
$list = static fn (array $rows): string => implode(', ', array_map(
    static fn (string $k, int $n): string => $k . ': ' . $n,
    array_keys($rows),
    array_values($rows)
));
$cat = is_array($views['catalog'] ?? null) ? $views['catalog'] : [];
$from = substr((string) ($views['period']['from'] ?? ''), 0, 10);
$to = substr((string) ($views['period']['to'] ?? ''), 0, 10);
$bars = static function (string $id, string $title, string $desc, array $rows, array $headers) use ($t, $num): string {
    if ($rows === []) {
        return '<section class="insight" aria-label="' . htmlspecialchars($title, ENT_QUOTES) . '"><h3>' . htmlspecialchars($title, ENT_QUOTES)
            . '</h3><p class="hint">' . htmlspecialchars($t->t('insights.none'), ENT_QUOTES) . '</p></section>';
    }
    return Chart::bars($id, $title, $desc, $rows, $headers, 'chart-insight', $num);
};
?>
<h1><?= $v->e($t->t('insights.title')) ?></h1>
<form class="signout-form" method="post" action="<?= $v->link('/insights/sign-out') ?>">
  <input type="hidden" name="<?= $v->e(Security::CSRF_FIELD) ?>" value="<?= $v->e($csrf) ?>">
  <p><?= $v->e($t->t('insights.signed_in')) ?> <button type="submit" class="btn"><?= $v->e($t->t('signin.sign_out')) ?></button></p>
</form>

<h2 id="insights-catalogs"><?= $v->e($t->t('insights.catalogs')) ?></h2>
<p><?= $v->e($t->t('insights.total', ['n' => $num(is_int($cat['total'] ?? null) ? $cat['total'] : 0)])) ?></p>
<div class="insights-grid">
<?php
$partners = $counts($cat['partners'] ?? null);
echo $bars('insights-partners', $t->t('insights.partners'), $t->t('insights.partners_desc', ['list' => $list($partners)]), $partners,
    [$t->t('insights.partner'), $t->t('quality.products')]);
$categories = $counts($cat['categories'] ?? null);
echo $bars('insights-categories', $t->t('insights.categories'), $t->t('insights.categories_desc', ['list' => $list($categories)]), $categories,
    [$t->t('insights.category'), $t->t('quality.products')]);
$grades = $counts($cat['grades'] ?? null);
echo $bars('insights-grades', $t->t('insights.grades'), $t->t('insights.grades_desc', ['list' => $list($grades)]), $grades,
    [$t->t('quality.grade'), $t->t('quality.products')]);
$offers = is_array($cat['offers'] ?? null) ? $cat['offers'] : [];
$shared = $counts($offers['shared'] ?? null, 'key', 'partners');
echo $bars('insights-offers', $t->t('insights.offers'), $t->t('insights.offers_desc', [
    'n' => $num(is_int($offers['with_key'] ?? null) ? $offers['with_key'] : 0), 'list' => $list($shared)]), $shared,
    [$t->t('insights.offer'), $t->t('insights.offer_partners')]);
?>
</div>
<?php
$byCurrency = [];
foreach (is_array($cat['prices'] ?? null) ? $cat['prices'] : [] as $p) {
    if (!is_array($p) || !is_string($p['category'] ?? null) || !is_string($p['currency'] ?? null) || !is_int($p['count'] ?? null)) {
        continue;
    }
    $row = ['count' => $p['count']];
    foreach (['min', 'q1', 'median', 'q3', 'max'] as $k) {
        $row[$k] = is_int($p[$k] ?? null) || is_float($p[$k] ?? null) ? (float) $p[$k] : 0.0;
    }
    $byCurrency[$p['currency']][$p['category']] = $row;
}
?>
<h3 id="insights-prices"><?= $v->e($t->t('insights.prices')) ?></h3>
<?php if ($byCurrency === []) : ?>
<p class="hint"><?= $v->e($t->t('insights.none')) ?></p>
<?php endif; ?>
<?php foreach ($byCurrency as $currency => $rows) :
    $title = $t->t('insights.prices_in', ['currency' => $currency]);
    $desc = $t->t('insights.prices_desc', ['currency' => $currency, 'list' => implode('; ', array_map(
        static fn (string $c, array $r): string => $c . ': ' . $amount($r['min']) . ' – ' . $amount($r['median']) . ' – ' . $amount($r['max']),
        array_keys($rows),
        array_values($rows)
    ))]);
    echo Chart::ranges('insights-prices-' . $currency, $title, $desc, $rows, [
        $t->t('insights.category'), $t->t('quality.products'), $t->t('insights.min'), $t->t('insights.q1'),
        $t->t('insights.median'), $t->t('insights.q3'), $t->t('insights.max')], $amount);
endforeach; ?>

<h3 id="insights-freshness"><?= $v->e($t->t('insights.freshness')) ?></h3>
<?php $fresh = is_array($views['freshness'] ?? null) ? $views['freshness'] : []; ?>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="insights-freshness">
<table class="data">
  <thead><tr>
    <th scope="col"><?= $v->e($t->t('insights.partner')) ?></th>
    <th scope="col"><?= $v->e($t->t('insights.last_success')) ?></th>
    <th scope="col" class="num"><?= $v->e($t->t('insights.files')) ?></th>
    <th scope="col" class="num"><?= $v->e($t->t('insights.refused')) ?></th>
    <th scope="col" class="num"><?= $v->e($t->t('insights.failed')) ?></th>
  </tr></thead>
  <tbody>
<?php foreach ($fresh as $f) :
    if (!is_array($f) || !is_string($f['partner'] ?? null)) {
        continue;
    } ?>
    <tr>
      <th scope="row"><?= $v->e($f['partner']) ?></th>
      <td><?= is_string($f['last_success'] ?? null) ? $v->e($t->date($f['last_success']) . ' (' . (string) ($f['last_file'] ?? '') . ')') : $v->e($t->t('insights.never')) ?></td>
      <td class="num"><?= $v->e($num(is_int($f['files'] ?? null) ? $f['files'] : 0)) ?></td>
      <td class="num"><?= $v->e($num(is_int($f['refused'] ?? null) ? $f['refused'] : 0)) ?></td>
      <td class="num"><?= $v->e($num(is_int($f['failed'] ?? null) ? $f['failed'] : 0)) ?></td>
    </tr>
<?php endforeach; ?>
  </tbody>
</table>
</div>

<h2 id="insights-searches"><?= $v->e($t->t('insights.searches')) ?></h2>
<form class="period-form" method="get" action="<?= $v->link('/insights') ?>">
  <div class="field"><label for="period-from"><?= $v->e($t->t('insights.from')) ?></label>
    <input id="period-from" name="from" type="date" value="<?= $v->e($period['from'] ?? $from) ?>"></div>
  <div class="field"><label for="period-to"><?= $v->e($t->t('insights.to')) ?></label>
    <input id="period-to" name="to" type="date" value="<?= $v->e($period['to'] ?? $to) ?>"></div>
  <button type="submit" class="btn"><?= $v->e($t->t('insights.apply')) ?></button>
</form>
<?php if (!is_array($views['queries'] ?? null)) : ?>
<p class="notice" role="status"><?= $v->e($t->t('insights.no_analytics')) ?></p>
<?php else :
    $clicks = is_array($views['clicks'] ?? null) ? $views['clicks'] : [];
    ?>
<p><?= $v->e($t->t('insights.search_totals', [
    'n' => $num(is_int($clicks['searches'] ?? null) ? $clicks['searches'] : 0),
    'zero' => $num(is_int($clicks['zero_results'] ?? null) ? $clicks['zero_results'] : 0),
    'from' => $t->date($views['period']['from'] ?? ''), 'to' => $t->date($views['period']['to'] ?? '')])) ?></p>
<div class="insights-grid">
    <?php
    $top = $counts($views['queries'], 'query', 'searches');
    echo $bars('insights-queries', $t->t('insights.top_queries'), $t->t('insights.top_queries_desc', ['list' => $list($top)]), $top,
        [$t->t('insights.query'), $t->t('insights.searches_n')]);
    $zero = $counts($views['zero-results'] ?? null, 'query', 'zero_results');
    echo $bars('insights-zero', $t->t('insights.zero'), $t->t('insights.zero_desc', ['list' => $list($zero)]), $zero,
        [$t->t('insights.query'), $t->t('insights.searches_n')]);
    $byPos = [];
    foreach (is_array($clicks['positions'] ?? null) ? $clicks['positions'] : [] as $p) {
        if (is_array($p) && is_int($p['position'] ?? null) && is_int($p['clicks'] ?? null)) {
            $byPos[$t->t('insights.position', ['n' => $p['position']])] = $p['clicks'];
        }
    }
    echo $bars('insights-clicks', $t->t('insights.clicks'), $t->t('insights.clicks_desc', ['list' => $list($byPos)]), $byPos,
        [$t->t('insights.position_col'), $t->t('insights.clicks_n')]);
    ?>
</div>
<?php endif; ?>
