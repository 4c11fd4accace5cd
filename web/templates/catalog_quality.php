<?php
/**
 * The quality of one catalog's products: its grade, how many products have
 * each grade (a chart and its table), the rules they fail most, and the
 * download of the products to fix. Included by catalog_status.php.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var array<string, mixed> $report
 * @var string $id
 */

use CatalogSearch\Web\Chart;

$q = is_array($report['quality'] ?? null) ? $report['quality'] : null;
if ($q === null || !is_int($q['products'] ?? null) || $q['products'] < 1) {
    return;
}
$grade = is_string($q['grade'] ?? null) ? $q['grade'] : '';
$grades = [];
foreach (['A', 'B', 'C', 'D', 'E'] as $g) {
    $grades[$g] = is_int($q['grades'][$g] ?? null) ? $q['grades'][$g] : 0;
}
$issues = is_array($q['issues'] ?? null) ? $q['issues'] : [];
$toFix = is_int($q['to_fix'] ?? null) ? $q['to_fix'] : 0;
?>
<section class="quality" aria-labelledby="quality-title">
<h2 id="quality-title"><?= $v->e($t->t('quality.title')) ?></h2>
<p class="quality-grade">
  <?= $v->e($t->t('quality.catalog_grade')) ?>
  <span class="grade grade-<?= $v->e(preg_replace('/[^A-E]/', '', $grade)) ?>" data-grade="<?= $v->e($grade) ?>"><?= $v->e($grade) ?></span>
  <span class="hint"><?= $v->e($t->t('quality.mean', ['score' => is_int($q['score'] ?? null) ? $q['score'] : 0, 'n' => $t->number($q['products'])])) ?></span>
</p>
<?= Chart::bars(
    'quality-grades',
    $t->t('quality.chart_title'),
    $t->t('quality.chart_desc', ['list' => implode(', ', array_map(
        static fn (string $g, int $n): string => $g . ': ' . $n,
        array_keys($grades),
        array_values($grades)
    ))]),
    $grades,
    [$t->t('quality.grade'), $t->t('quality.products')],
    'chart-grades',
    static fn (int $n): string => $t->number($n)
) ?>
<?php if ($issues !== []) : ?>
<h3 id="quality-issues"><?= $v->e($t->t('quality.issues')) ?></h3>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="quality-issues">
<table class="data">
  <thead><tr>
    <th scope="col"><?= $v->e($t->t('quality.rule')) ?></th>
    <th scope="col" class="num"><?= $v->e($t->t('quality.products')) ?></th>
  </tr></thead>
  <tbody>
    <?php foreach ($issues as $issue) :
        if (!is_array($issue)) {
            continue;
        }
        $code = is_string($issue['code'] ?? null) ? $issue['code'] : '';
        $said = $t->has('rule.' . $code) ? $t->t('rule.' . $code) : (is_string($issue['message'] ?? null) ? $issue['message'] : $code);
        ?>
    <tr>
      <td><?= $v->e($said) ?> <code class="hint"><?= $v->e($code) ?></code></td>
      <td class="num"><?= $v->e(is_int($issue['count'] ?? null) ? $t->number($issue['count']) : '') ?></td>
    </tr>
    <?php endforeach; ?>
  </tbody>
</table>
</div>
<?php endif; ?>
<?php if ($toFix > 0) : ?>
<p><a class="btn" id="quality-download" href="<?= $v->link('/partner/catalogs/' . rawurlencode($id) . '/to-fix.csv') ?>" download><?= $v->e($t->plural('quality.download', $toFix)) ?></a></p>
<?php endif; ?>
</section>
