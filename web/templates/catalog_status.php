<?php
/**
 * The status and report of one catalog (also served alone as the
 * "catalog" partial the script polls).
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var array<string, mixed> $c
 * @var string $csrf
 * @var string $message
 * @var array{total: int, rows: list<list<string>>}|null $removals what a held catalog would remove
 */

use CatalogSearch\Web\Security;

$id = is_string($c['id'] ?? null) ? $c['id'] : '';
$status = is_string($c['status'] ?? null) ? $c['status'] : '';
$report = is_array($c['report'] ?? null) ? $c['report'] : null;
$inProgress = in_array($status, ['received', 'processing'], true);
$num = static fn (string $k): string => is_int($report[$k] ?? null) ? $t->number($report[$k]) : '–';
$errors = is_array($report['errors'] ?? null) ? $report['errors'] : [];
$warnings = is_array($report['warnings'] ?? null) ? $report['warnings'] : [];
// A big catalog is written in chunks (the API's progress, absent for a
// catalog written in one pass): its bar is shown while it is processing.
$progress = $status === 'processing' && is_array($c['progress'] ?? null) ? $c['progress'] : null;
$rowsRead = is_int($progress['rows'] ?? null) && $progress['rows'] >= 0 ? $progress['rows'] : null;
$chunksTotal = is_int($progress['chunks_total'] ?? null) && $progress['chunks_total'] > 0 ? $progress['chunks_total'] : 0;
$chunksDone = $chunksTotal > 0 && is_int($progress['chunks_done'] ?? null) ? max(0, min($progress['chunks_done'], $chunksTotal)) : 0;
?>
<p class="catalog-state" data-status="<?= $v->e($status) ?>">
  <?= $v->e($t->t('catalog.status')) ?>:
  <span class="status status-<?= $v->e(preg_replace('/[^a-z_]/', '', $status)) ?>"><?= $v->e($t->t('status.' . $status)) ?></span>
  <?php if ($inProgress) : ?>
  <a class="refresh" href="<?= $v->link('/partner/catalogs/' . rawurlencode($id)) ?>"><?= $v->e($t->t('catalog.refresh')) ?></a>
  <?php endif; ?>
</p>
<?php if ($progress !== null && ($chunksTotal > 0 || $rowsRead !== null)) : ?>
<div class="catalog-progress" data-progress>
    <?php if ($chunksTotal > 0) : ?>
  <label for="catalog-progress-bar"><?= $v->e($t->t('catalog.progress', [
        'done' => $t->number($chunksDone), 'total' => $t->number($chunksTotal),
        'percent' => $t->number(intdiv($chunksDone * 100, $chunksTotal)),
    ])) ?></label>
  <progress id="catalog-progress-bar" max="<?= $v->e($chunksTotal) ?>" value="<?= $v->e($chunksDone) ?>"><?= $v->e(intdiv($chunksDone * 100, $chunksTotal)) ?>%</progress>
    <?php endif; ?>
    <?php if ($rowsRead !== null) : ?>
  <p class="hint"><?= $v->e($t->plural('catalog.rows_read', $rowsRead)) ?></p>
    <?php endif; ?>
</div>
<?php endif; ?>
<?php if ($message === 'confirm_failed') : ?>
<p class="notice notice-error" role="alert"><?= $v->e($t->t('catalog.confirm_failed')) ?></p>
<?php endif; ?>
<table class="kv">
  <tbody>
    <tr><th scope="row"><?= $v->e($t->t('catalog.partner')) ?></th><td><?= $v->e($c['partner'] ?? '') ?></td></tr>
    <tr><th scope="row"><?= $v->e($t->t('catalog.mode')) ?></th><td><?= $v->e($t->t('mode.' . (is_string($c['mode'] ?? null) ? $c['mode'] : ''))) ?></td></tr>
    <tr><th scope="row"><?= $v->e($t->t('catalog.received')) ?></th><td><?= $v->e($t->date($c['received_at'] ?? null)) ?></td></tr>
    <?php if ($t->date($c['finished_at'] ?? null) !== '') : ?>
    <tr><th scope="row"><?= $v->e($t->t('catalog.finished')) ?></th><td><?= $v->e($t->date($c['finished_at'])) ?></td></tr>
    <?php endif; ?>
    <?php if (is_int($c['size'] ?? null)) : ?>
    <tr><th scope="row"><?= $v->e($t->t('catalog.size')) ?></th><td><?= $v->e($t->plural('catalog.bytes', $c['size'])) ?></td></tr>
    <?php endif; ?>
    <?php if ($report !== null) : ?>
    <tr><th scope="row"><?= $v->e($t->t('report.format')) ?></th><td><?= $v->e(strtoupper(is_string($report['format'] ?? null) ? $report['format'] : '')) ?> · <?= $v->e($report['encoding'] ?? '') ?></td></tr>
    <?php endif; ?>
    <tr><th scope="row"><?= $v->e($t->t('catalog.id')) ?></th><td><code><?= $v->e($id) ?></code></td></tr>
  </tbody>
</table>
<?php if ($report !== null) : ?>
<h2><?= $v->e($t->t('report.title')) ?></h2>
<?php if (is_string($report['reason'] ?? null) && $report['reason'] !== '') : ?>
<p class="notice"><?= $v->e($t->t('report.reason')) ?> <?= $v->e($report['reason']) ?></p>
<?php endif; ?>
<dl class="stats">
  <?php foreach (['rows', 'accepted', 'rejected', 'products', 'created', 'updated', 'unchanged', 'removed'] as $k) : ?>
  <div><dt><?= $v->e($t->t('report.' . $k)) ?></dt><dd><?= $v->e($num($k)) ?></dd></div>
  <?php endforeach; ?>
  <div class="<?= $warnings === [] ? '' : 'stat-warn' ?>"><dt><?= $v->e($t->t('report.warnings_count')) ?></dt>
    <dd><?php if ($warnings === []) : ?><?= $v->e($t->number(0)) ?><?php else : ?><a href="#report-warnings"><?= $v->e($t->number(count($warnings))) ?></a><?php endif; ?></dd></div>
</dl>
    <?php if (is_int($report['rejected'] ?? null) && $report['rejected'] > 0) : ?>
<p><a class="btn" href="<?= $v->link('/partner/catalogs/' . rawurlencode($id) . '/rejected.csv') ?>" download><?= $v->e($t->t('report.download')) ?></a></p>
    <?php endif; ?>
    <?php include __DIR__ . '/catalog_quality.php'; ?>
    <?php foreach (['errors' => $errors, 'warnings' => $warnings] as $kind => $list) :
        if ($list === []) {
            continue;
        } ?>
<h3 id="report-<?= $v->e($kind) ?>"><?= $v->e($t->t('report.' . $kind)) ?></h3>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="report-<?= $v->e($kind) ?>">
<table class="data">
  <thead><tr>
    <th scope="col" class="num"><?= $v->e($t->t('report.row')) ?></th>
    <th scope="col"><?= $v->e($t->t('report.column')) ?></th>
    <th scope="col"><?= $v->e($t->t('report.code')) ?></th>
    <th scope="col"><?= $v->e($t->t('report.message')) ?></th>
  </tr></thead>
  <tbody>
        <?php foreach ($list as $e) : if (!is_array($e)) { continue; } ?>
    <tr>
      <td class="num"><?= $v->e(is_int($e['row'] ?? null) ? $t->number($e['row']) : '') ?></td>
      <?php
        $code = is_string($e['code'] ?? null) ? $e['code'] : '';
        $raw = is_string($e['message'] ?? null) ? $e['message'] : '';
        $column = is_string($e['column'] ?? null) ? $e['column'] : '';
        // The explanation in the interface's language; the engine's own
        // words (with the value it read) stay, marked as English.
        $said = $code !== '' && $t->has('rowcode.' . $code) ? $t->t('rowcode.' . $code) : '';
        ?>
      <td><?php if ($column !== '') : ?><?= $v->e($column) ?><?php else : ?><span class="hint"><?= $v->e($t->t('report.whole_row')) ?></span><?php endif; ?></td>
      <td><code><?= $v->e($code) ?></code></td>
      <td><?php if ($said !== '') : ?><?= $v->e($said) ?><?php if ($raw !== '' && $t->locale !== 'en') : ?>
        <br><span class="hint"><?= $v->e($t->t('report.detail')) ?> <span lang="en"><?= $v->e($raw) ?></span></span><?php elseif ($raw !== '') : ?>
        <br><span class="hint"><?= $v->e($raw) ?></span><?php endif; ?>
          <?php else : ?><span<?= $t->locale !== 'en' ? ' lang="en"' : '' ?>><?= $v->e($raw) ?></span><?php endif; ?></td>
    </tr>
        <?php endforeach; ?>
  </tbody>
</table>
</div>
        <?php if ($kind === 'errors' && !empty($report['errors_truncated'])) : ?>
<p class="hint"><?= $v->e($t->t('report.truncated')) ?></p>
        <?php endif; ?>
    <?php endforeach; ?>
<?php endif; ?>
<?php $img = is_array($c['images'] ?? null) ? $c['images'] : null; ?>
<?php if ($img !== null) :
    $inum = static fn (string $k): string => is_int($img[$k] ?? null) ? $t->number($img[$k]) : '–';
    $failures = array_values(array_filter(is_array($img['failures'] ?? null) ? $img['failures'] : [], 'is_array'));
    ?>
<h2 id="report-images-title"><?= $v->e($t->t('images.title')) ?></h2>
<dl class="stats images-stats">
    <?php foreach (['urls', 'fetched', 'revalidated', 'reused', 'failed', 'skipped'] as $k) : ?>
  <div<?= $k === 'failed' && ($img['failed'] ?? 0) > 0 ? ' class="stat-warn"' : '' ?>><dt><?= $v->e($t->t('images.' . $k)) ?></dt><dd><?= $v->e($inum($k)) ?></dd></div>
    <?php endforeach; ?>
</dl>
    <?php if ($failures !== []) : ?>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="report-images-title">
<table class="report-table images-failed">
  <thead><tr>
    <th scope="col"><?= $v->e($t->t('images.product')) ?></th>
    <th scope="col"><?= $v->e($t->t('images.url')) ?></th>
    <th scope="col"><?= $v->e($t->t('report.code')) ?></th>
    <th scope="col"><?= $v->e($t->t('report.message')) ?></th>
  </tr></thead>
  <tbody>
        <?php foreach ($failures as $f) : ?>
    <tr>
      <td><?= $v->e(is_string($f['product'] ?? null) ? $f['product'] : '') ?></td>
      <td class="url"><?= $v->e(is_string($f['url'] ?? null) ? $f['url'] : '') ?></td>
      <td><code><?= $v->e(is_string($f['reason'] ?? null) ? $f['reason'] : '') ?></code></td>
      <td lang="en"><?= $v->e(is_string($f['message'] ?? null) ? $f['message'] : '') ?></td>
    </tr>
        <?php endforeach; ?>
  </tbody>
</table>
</div>
    <?php endif; ?>
<?php endif; ?>
<?php if ($status === 'needs_confirmation') :
    $removals ??= null; ?>
<section class="panel removal-preview" aria-labelledby="removals-title">
  <h2 id="removals-title"><?= $v->e($removals === null ? $t->t('removals.title_unknown') : $t->plural('removals.title', $removals['total'])) ?></h2>
  <p><?= $v->e($t->t('removals.intro')) ?></p>
    <?php if ($removals !== null && $removals['rows'] !== []) : ?>
  <div class="table-scroll" tabindex="0" role="region" aria-labelledby="removals-title">
  <table class="data">
    <thead><tr>
      <th scope="col"><?= $v->e($t->t('product.sku')) ?></th>
      <th scope="col"><?= $v->e($t->t('product.gtin')) ?></th>
      <th scope="col"><?= $v->e($t->t('removals.name')) ?></th>
    </tr></thead>
    <tbody>
        <?php foreach ($removals['rows'] as [$rid, $rsku, $rgtin, $rname]) : ?>
      <tr><td><?= $v->e($rsku !== '' ? $rsku : $rid) ?></td><td><?= $v->e($rgtin) ?></td><td><?= $v->e($rname) ?></td></tr>
        <?php endforeach; ?>
    </tbody>
  </table>
  </div>
        <?php if ($removals['total'] > count($removals['rows'])) : ?>
  <p class="hint"><?= $v->e($t->t('removals.more', ['n' => $t->number(count($removals['rows'])), 'total' => $t->number($removals['total'])])) ?></p>
        <?php endif; ?>
  <p><a class="btn" href="<?= $v->link('/partner/catalogs/' . rawurlencode($id) . '/removals.csv') ?>" download><?= $v->e($t->t('removals.download')) ?></a></p>
    <?php endif; ?>
  <form method="post" action="<?= $v->link('/partner/catalogs/' . rawurlencode($id) . '/confirm') ?>" class="confirm-form inline-form">
    <input type="hidden" name="<?= $v->e(Security::CSRF_FIELD) ?>" value="<?= $v->e($csrf) ?>">
    <button type="submit" class="btn btn-danger"><?= $v->e($t->t('catalog.confirm')) ?></button>
    <button type="submit" class="btn" name="mode" value="partial" aria-describedby="partial-hint"><?= $v->e($t->t('removals.apply_partial')) ?></button>
    <a class="btn" href="<?= $v->link('/partner') ?>"><?= $v->e($t->t('removals.cancel')) ?></a>
  </form>
  <p class="hint" id="partial-hint"><?= $v->e($t->t('removals.partial_hint')) ?></p>
</section>
<?php endif; ?>
