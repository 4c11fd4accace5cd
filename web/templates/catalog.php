<?php
/**
 * One catalog's page: its status region (polled by the script while the
 * file is being ingested) with the report.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var array<string, mixed> $c
 * @var string $csrf
 * @var string $message
 * @var array{changes: list<array<string, mixed>>, next: string, after: string}|null $changes
 */
$status = is_string($c['status'] ?? null) ? $c['status'] : '';
$polling = in_array($status, ['received', 'processing'], true);
?>
<p class="back"><a href="<?= $v->link('/partner', '?partner=' . rawurlencode(is_string($c['partner'] ?? null) ? $c['partner'] : '')) ?>"><?= $v->e($t->t('catalog.back')) ?></a></p>
<h1><?= $v->e($t->t('catalog.title', ['file' => is_string($c['file'] ?? null) && $c['file'] !== '' ? $c['file'] : ($c['id'] ?? '')])) ?></h1>
<p id="catalog-live" class="visually-hidden" role="status"></p>
<div id="catalog-status" data-catalog-status<?= $polling ? ' data-poll="2000"' : '' ?>>
<?php include __DIR__ . '/catalog_status.php'; ?>
</div>
<?php include __DIR__ . '/catalog_changes.php'; ?>
