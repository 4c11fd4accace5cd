<?php
/**
 * The partner area's sign-in form: the partner's API key, posted once
 * (CSRF-protected) and kept sealed in the session cookie; "next" is the
 * same-site page signing in returns to (checked again when posted).
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var string $message
 * @var string $csrf
 * @var string $next
 */

use CatalogSearch\Web\Security;

$isError = $message !== '' && $message !== 'signin.signed_out';
?>
<h1><?= $v->e($t->t('partner.title')) ?></h1>
<?php if ($message !== '') : ?>
<p class="notice<?= $isError ? ' notice-error' : '' ?>" role="<?= $isError ? 'alert' : 'status' ?>"><?= $v->e($t->t($message)) ?></p>
<?php endif; ?>
<section class="panel signin" aria-labelledby="signin-title">
  <h2 id="signin-title"><?= $v->e($t->t('signin.title')) ?></h2>
  <p><?= $v->e($t->t('signin.intro')) ?></p>
  <form class="signin-form" method="post" action="<?= $v->link('/partner/sign-in') ?>">
    <input type="hidden" name="<?= $v->e(Security::CSRF_FIELD) ?>" value="<?= $v->e($csrf) ?>">
<?php if (($next ?? '') !== '') : ?>
    <input type="hidden" name="next" value="<?= $v->e($next) ?>">
<?php endif; ?>
    <div class="field">
      <label for="api-key"><?= $v->e($t->t('signin.key')) ?></label>
      <input id="api-key" name="api_key" type="password" required maxlength="200" autocomplete="off"
             spellcheck="false" aria-describedby="api-key-hint"<?= $isError ? ' aria-invalid="true"' : '' ?>>
      <p id="api-key-hint" class="hint"><?= $v->e($t->t('signin.key_hint')) ?></p>
    </div>
    <button type="submit" class="btn btn-primary"><?= $v->e($t->t('signin.submit')) ?></button>
  </form>
</section>
