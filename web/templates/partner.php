<?php
/**
 * The partner area of a signed-in partner: who is signed in (the partner
 * the API named for the key) with a sign-out button, upload a catalog
 * (the script sends the file straight to the upload URL the API hands
 * out; without it the form says that uploading needs JavaScript) and the
 * partner's catalogs.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var string $partner
 * @var list<array<string, mixed>> $catalogs
 * @var string $message
 * @var string $csrf
 * @var int $maxUpload
 */

use CatalogSearch\Web\Security;

$mb = max(1, (int) floor($maxUpload / (1024 * 1024)));
$uploadMessages = [];
foreach (['sending', 'progress', 'sent', 'no_file', 'empty', 'too_large', 'transfer', 'refused'] as $k) {
    $uploadMessages[$k] = $t->t(in_array($k, ['sending', 'progress', 'sent'], true) ? 'upload.' . $k : 'upload.error.' . $k, ['mb' => $mb]);
}
?>
<h1><?= $v->e($t->t('partner.title')) ?></h1>
<form class="signed-in inline-form" method="post" action="<?= $v->link('/partner/sign-out') ?>">
  <input type="hidden" name="<?= $v->e(Security::CSRF_FIELD) ?>" value="<?= $v->e($csrf) ?>">
  <p><?= $v->e($t->t('signin.as')) ?> <strong class="partner-id"><?= $v->e($partner) ?></strong></p>
  <button type="submit" class="btn"><?= $v->e($t->t('signin.sign_out')) ?></button>
</form>
<p><a href="<?= $v->link('/partner/settings') ?>" id="settings-link"><?= $v->e($t->t('settings.link')) ?></a></p>
<?php if ($message !== '') : ?>
<p class="notice notice-error" role="alert"><?= $v->e($t->t($message)) ?></p>
<?php endif; ?>
<div class="partner-layout">
<section class="panel" aria-labelledby="upload-title">
  <h2 id="upload-title"><?= $v->e($t->t('upload.title')) ?></h2>
  <form class="upload-form" method="post" action="<?= $v->link('/partner/upload') ?>" data-upload
        data-max-bytes="<?= $v->e((string) $maxUpload) ?>"
        data-messages="<?= $v->e(json_encode($uploadMessages, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES)) ?>">
    <input type="hidden" name="<?= $v->e(Security::CSRF_FIELD) ?>" value="<?= $v->e($csrf) ?>">
    <fieldset class="field">
      <legend><?= $v->e($t->t('upload.mode')) ?></legend>
      <div class="radio">
        <input type="radio" id="mode-partial" name="mode" value="partial" checked aria-describedby="mode-partial-hint">
        <label for="mode-partial"><?= $v->e($t->t('upload.mode_partial')) ?></label>
        <p id="mode-partial-hint" class="hint"><?= $v->e($t->t('upload.mode_partial_hint')) ?></p>
      </div>
      <div class="radio">
        <input type="radio" id="mode-full" name="mode" value="full" aria-describedby="mode-full-hint">
        <label for="mode-full"><?= $v->e($t->t('upload.mode_full')) ?></label>
        <p id="mode-full-hint" class="hint"><?= $v->e($t->t('upload.mode_full_hint')) ?></p>
      </div>
    </fieldset>
    <div class="field">
      <label for="up-file"><?= $v->e($t->t('upload.file')) ?></label>
      <input id="up-file" type="file" name="file" required accept=".csv,.tsv,.txt,.xlsx,.json,.ndjson,.jsonl"
             aria-describedby="up-file-hint">
      <p id="up-file-hint" class="hint"><?= $v->e($t->t('upload.file_hint', ['mb' => $mb])) ?></p>
    </div>
    <noscript><p class="notice"><?= $v->e($t->t('upload.error.needs_js')) ?></p></noscript>
    <div class="field upload-progress" data-upload-progress hidden>
      <label for="up-progress"><?= $v->e($t->t('upload.sending')) ?></label>
      <progress id="up-progress" max="100" value="0"></progress>
    </div>
    <p class="visually-hidden" role="status" data-upload-status></p>
    <div role="alert" data-upload-error></div>
    <button type="submit" class="btn btn-primary"><?= $v->e($t->t('upload.submit')) ?></button>
  </form>
</section>
<section class="panel" aria-labelledby="catalogs-title">
  <h2 id="catalogs-title"><?= $v->e($t->t('catalogs.title')) ?></h2>
  <?php if ($catalogs === []) : ?>
  <p><?= $v->e($t->t('catalogs.none')) ?></p>
  <?php else : ?>
  <div class="table-scroll" tabindex="0" role="region" aria-labelledby="catalogs-title">
  <table class="data">
    <thead><tr>
      <th scope="col"><?= $v->e($t->t('catalog.file')) ?></th>
      <th scope="col"><?= $v->e($t->t('catalog.partner')) ?></th>
      <th scope="col"><?= $v->e($t->t('catalog.status')) ?></th>
      <th scope="col"><?= $v->e($t->t('catalog.received')) ?></th>
      <th scope="col" class="num"><?= $v->e($t->t('report.accepted')) ?></th>
      <th scope="col" class="num"><?= $v->e($t->t('report.rejected')) ?></th>
      <th scope="col" class="num"><?= $v->e($t->t('catalog.warnings')) ?></th>
      <th scope="col" class="num"><?= $v->e($t->t('report.removed')) ?></th>
      <th scope="col"><?= $v->e($t->t('quality.grade')) ?></th>
    </tr></thead>
    <tbody>
    <?php foreach ($catalogs as $c) :
        $id = is_string($c['id'] ?? null) ? $c['id'] : '';
        $status = is_string($c['status'] ?? null) ? $c['status'] : '';
        $report = is_array($c['report'] ?? null) ? $c['report'] : [];
        ?>
      <tr>
        <td><a href="<?= $v->link('/partner/catalogs/' . rawurlencode($id)) ?>"><?= $v->e(($c['file'] ?? '') !== '' ? $c['file'] : $id) ?></a></td>
        <td><?= $v->e($c['partner'] ?? '') ?></td>
        <td><span class="status status-<?= $v->e(preg_replace('/[^a-z_]/', '', $status)) ?>"><?= $v->e($t->t('status.' . $status)) ?></span></td>
        <td><?= $v->e($t->date($c['received_at'] ?? null)) ?></td>
        <td class="num"><?= $v->e(is_int($report['accepted'] ?? null) ? $t->number($report['accepted']) : '') ?></td>
        <td class="num"><?= $v->e(is_int($report['rejected'] ?? null) ? $t->number($report['rejected']) : '') ?></td>
        <td class="num"><?= $v->e($report === [] ? '' : $t->number(is_array($report['warnings'] ?? null) ? count($report['warnings']) : 0)) ?></td>
        <td class="num"><?= $v->e(is_int($report['removed'] ?? null) ? $t->number($report['removed']) : '') ?></td>
        <?php $grade = is_string($report['quality']['grade'] ?? null) ? $report['quality']['grade'] : ''; ?>
        <td><?php if ($grade !== '') : ?><span class="grade grade-<?= $v->e(preg_replace('/[^A-E]/', '', $grade)) ?>"><?= $v->e($grade) ?></span><?php endif; ?></td>
      </tr>
    <?php endforeach; ?>
    </tbody>
  </table>
  </div>
  <?php endif; ?>
</section>
</div>
